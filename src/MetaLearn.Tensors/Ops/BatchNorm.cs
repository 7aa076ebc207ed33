using MetaLearn.Kernels;

namespace MetaLearn.Tensors.Ops;

/// <summary>
/// Batch normalisation with batch statistics and an affine map, fused: one pass computes the statistics and
/// the output, and the graph saves only the inputs (the composite form saved ~7 activation-sized tensors).
/// The backward rule is the closed form in tensor ops, with the statistics recomputed from <c>x</c> by
/// differentiable ops, so it can be differentiated again:
/// <c>dx = invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))</c>, <c>dxhat = dy * w</c>,
/// <c>dw = sum(dy * xhat)</c>, <c>db = sum(dy)</c> (Ioffe and Szegedy 2015, section 3).
/// </summary>
internal sealed class BatchNormOp(Tensor x, Tensor weight, Tensor bias, double eps, Tensor mean, Tensor variance) : Function(x, weight, bias)
{
    public override string Name => "batch_norm";

    /// <summary>The normalised output and the batch mean and biased variance per channel (constants).</summary>
    public static (Tensor Output, Tensor Mean, Tensor Variance) Apply(Tensor x, Tensor weight, Tensor bias, double eps)
    {
        int batch = x.Shape[0], channels = x.Shape[1], spatial = x.Count / Math.Max(1, batch * channels);
        Tensor y = Tensor.Empty(x.ShapeArray, x.DType);
        Tensor mean = Tensor.Empty([channels], x.DType), variance = Tensor.Empty([channels], x.DType);
        if (x.DType == DType.Float32)
        {
            Normalization.BatchNormForward<float>(x.Span<float>(), batch, channels, spatial, weight.Span<float>(), bias.Span<float>(), (float)eps, y.Span<float>(), mean.Span<float>(), variance.Span<float>());
        }
        else
        {
            Normalization.BatchNormForward<double>(x.Span<double>(), batch, channels, spatial, weight.Span<double>(), bias.Span<double>(), eps, y.Span<double>(), mean.Span<double>(), variance.Span<double>());
        }
        return (Graph.Record(y, "batch_norm", Graph.Needs(x, weight, bias) ? new BatchNormOp(x, weight, bias, eps, mean, variance) : null), mean, variance);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs)
    {
        return Autograd.IsGradEnabled ? DifferentiableBackward(g, needs) : FusedBackward(g, needs);
    }

    /// <summary>First order (nothing recorded): one fused kernel, no activation-sized temporaries besides dx.</summary>
    private Tensor?[] FusedBackward(Tensor g, bool[] needs)
    {
        Tensor x = Inputs[0], weight = Inputs[1];
        int batch = x.Shape[0], channels = x.Shape[1], spatial = x.Count / Math.Max(1, batch * channels);
        Tensor? dx = needs[0] ? Tensor.Empty(x.ShapeArray, x.DType) : null;
        Tensor? dw = needs[1] ? Tensor.Empty([channels], x.DType) : null;
        Tensor? db = needs[2] ? Tensor.Empty([channels], x.DType) : null;
        if (x.DType == DType.Float32)
        {
            Normalization.BatchNormBackward<float>(x.Span<float>(), g.Span<float>(), batch, channels, spatial, weight.Span<float>(), mean.Span<float>(), variance.Span<float>(),
                (float)eps, dx is null ? default : dx.Span<float>(), dw is null ? default : dw.Span<float>(), db is null ? default : db.Span<float>());
        }
        else
        {
            Normalization.BatchNormBackward<double>(x.Span<double>(), g.Span<double>(), batch, channels, spatial, weight.Span<double>(), mean.Span<double>(), variance.Span<double>(),
                eps, dx is null ? default : dx.Span<double>(), dw is null ? default : dw.Span<double>(), db is null ? default : db.Span<double>());
        }
        return [dx, dw, db];
    }

    /// <summary>Recorded (createGraph): the same formula in tensor ops, statistics recomputed from x so they carry gradients.</summary>
    private Tensor?[] DifferentiableBackward(Tensor g, bool[] needs)
    {
        Tensor x = Inputs[0], weight = Inputs[1];
        int[] dims = x.Rank == 4 ? [0, 2, 3] : [0];
        int[] channelShape = x.Rank == 4 ? [1, x.Shape[1], 1, 1] : [1, x.Shape[1]];
        Tensor centred = x - x.Mean(dims, keepDim: true);
        Tensor invStd = (centred.Square().Mean(dims, keepDim: true) + eps).Pow(-0.5);
        Tensor xhat = centred * invStd;
        Tensor? dx = null;
        if (needs[0])
        {
            Tensor dxhat = g * weight.Reshape(channelShape);
            dx = invStd * (dxhat - dxhat.Mean(dims, keepDim: true) - xhat * (dxhat * xhat).Mean(dims, keepDim: true));
        }
        return [dx, needs[1] ? (g * xhat).Sum(dims) : null, needs[2] ? g.Sum(dims) : null];
    }
}

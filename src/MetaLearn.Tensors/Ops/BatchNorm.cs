using MetaLearn.Kernels;

namespace MetaLearn.Tensors.Ops;

/// <summary>
/// Batch normalisation with batch statistics and an affine map, fused: one pass computes the statistics and
/// the output, and the graph saves only the inputs (the composite form saved ~7 activation-sized tensors).
/// The backward rule is the closed form <c>dx = invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))</c>,
/// <c>dxhat = dy * w</c>, <c>dw = sum(dy * xhat)</c>, <c>db = sum(dy)</c> (Ioffe and Szegedy 2015, section 3): one
/// fused kernel at first order, and when it is recorded, the ops <see cref="BatchNormInputGrad"/> and
/// <see cref="BatchNormWeightGrad"/>, which can be differentiated again.
/// </summary>
internal sealed class BatchNormOp(Tensor x, Tensor weight, Tensor bias, double eps, Tensor mean, Tensor variance) : Function(x, weight, bias)
{
    public override string Name => "batch_norm";

    /// <summary>The normalised output and the batch mean and biased variance per channel (constants).</summary>
    public static (Tensor Output, Tensor Mean, Tensor Variance) Apply(Tensor x, Tensor weight, Tensor bias, double eps)
    {
        (int batch, int channels, int spatial) = Channels.Sizes(x);
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
        (int batch, int channels, int spatial) = Channels.Sizes(x);
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

    /// <summary>
    /// Recorded (createGraph): the input and weight gradients as two ops of their own, whose backward rules are
    /// fused kernels, so a second-order method records two nodes here instead of about a dozen elementwise ones.
    /// </summary>
    private Tensor?[] DifferentiableBackward(Tensor g, bool[] needs)
    {
        Tensor x = Inputs[0], weight = Inputs[1];
        return
        [
            needs[0] ? BatchNormInputGrad.Apply(x, g, weight, eps, mean, variance) : null,
            needs[1] ? BatchNormWeightGrad.Apply(x, g, eps, mean, variance) : null,
            needs[2] ? g.Sum(Channels.ReducedDims(x)) : null,
        ];
    }
}

/// <summary>Per-channel helpers shared by the batch-norm ops (input <c>[N, C]</c> or <c>[N, C, H, W]</c>).</summary>
internal static class Channels
{
    /// <summary>The dimensions a channel's statistics run over.</summary>
    public static int[] ReducedDims(Tensor x) => x.Rank == 4 ? [0, 2, 3] : [0];

    /// <summary>The shape that broadcasts a per-channel vector against <paramref name="x"/>.</summary>
    public static int[] Shape(Tensor x) => x.Rank == 4 ? [1, x.Shape[1], 1, 1] : [1, x.Shape[1]];

    /// <summary><c>(N, C, S)</c>: batch, channels and spatial size.</summary>
    public static (int Batch, int Channels, int Spatial) Sizes(Tensor x) =>
        (x.Shape[0], x.Shape[1], x.Count / Math.Max(1, x.Shape[0] * x.Shape[1]));

    /// <summary>
    /// <c>xhat = (x - mean) * r</c> and <c>r = 1 / sqrt(var + eps)</c> (shaped to broadcast) in differentiable ops, the
    /// statistics recomputed from <paramref name="x"/> so that they carry gradients.
    /// </summary>
    public static (Tensor XHat, Tensor InvStd) Normalise(Tensor x, double eps)
    {
        int[] dims = ReducedDims(x);
        Tensor centred = x - x.Mean(dims, keepDim: true);
        Tensor invStd = (centred.Square().Mean(dims, keepDim: true) + eps).Pow(-0.5);
        return (centred * invStd, invStd);
    }
}

/// <summary>
/// The input gradient of batch norm as an op of <c>(x, g, weight)</c>:
/// <c>dx = w * r * (g - mean(g) - xhat * mean(g * xhat))</c>, with the batch statistics of <c>x</c>
/// (<see cref="Normalization.BatchNormBackward{T}"/>). Its own backward is the closed form of
/// <see cref="Normalization.BatchNormDoubleBackward{T}"/>: one kernel, where the same rule in tensor ops recorded
/// a dozen activation-sized temporaries. When that backward is itself recorded (third order), it is built from
/// differentiable tensor ops instead.
/// </summary>
internal sealed class BatchNormInputGrad(Tensor x, Tensor g, Tensor weight, double eps, Tensor mean, Tensor variance) : Function(x, g, weight)
{
    public override string Name => "batch_norm_input_grad";

    /// <param name="x">The batch norm's input.</param>
    /// <param name="g">The gradient with respect to its output.</param>
    /// <param name="weight">Its per-channel scale.</param>
    /// <param name="eps">Its variance offset.</param>
    /// <param name="mean">The batch mean of <paramref name="x"/> per channel (a constant).</param>
    /// <param name="variance">The biased batch variance of <paramref name="x"/> per channel (a constant).</param>
    public static Tensor Apply(Tensor x, Tensor g, Tensor weight, double eps, Tensor mean, Tensor variance)
    {
        (int batch, int channels, int spatial) = Channels.Sizes(x);
        Tensor dx = Tensor.Empty(x.ShapeArray, x.DType);
        if (x.DType == DType.Float32)
        {
            Normalization.BatchNormBackward<float>(x.Span<float>(), g.Span<float>(), batch, channels, spatial, weight.Span<float>(), mean.Span<float>(), variance.Span<float>(),
                (float)eps, dx.Span<float>(), default, default);
        }
        else
        {
            Normalization.BatchNormBackward<double>(x.Span<double>(), g.Span<double>(), batch, channels, spatial, weight.Span<double>(), mean.Span<double>(), variance.Span<double>(),
                eps, dx.Span<double>(), default, default);
        }
        return Graph.Record(dx, "batch_norm_input_grad", Graph.Needs(x, g, weight) ? new BatchNormInputGrad(x, g, weight, eps, mean, variance) : null);
    }

    public override Tensor?[] Backward(Tensor a, Tensor y, bool[] needs)
    {
        Tensor x = Inputs[0], g = Inputs[1], weight = Inputs[2];
        if (Autograd.IsGradEnabled)
        {
            return RecordedBackward(a, needs);
        }
        (int batch, int channels, int spatial) = Channels.Sizes(x);
        Tensor? gx = needs[0] ? Tensor.Empty(x.ShapeArray, x.DType) : null;
        Tensor? gg = needs[1] ? Tensor.Empty(x.ShapeArray, x.DType) : null;
        Tensor? gw = needs[2] ? Tensor.Empty([channels], x.DType) : null;
        if (x.DType == DType.Float32)
        {
            Normalization.BatchNormDoubleBackward<float>(x.Span<float>(), g.Span<float>(), a.Span<float>(), batch, channels, spatial, weight.Span<float>(),
                mean.Span<float>(), variance.Span<float>(), (float)eps,
                gx is null ? default : gx.Span<float>(), gg is null ? default : gg.Span<float>(), gw is null ? default : gw.Span<float>());
        }
        else
        {
            Normalization.BatchNormDoubleBackward<double>(x.Span<double>(), g.Span<double>(), a.Span<double>(), batch, channels, spatial, weight.Span<double>(),
                mean.Span<double>(), variance.Span<double>(), eps,
                gx is null ? default : gx.Span<double>(), gg is null ? default : gg.Span<double>(), gw is null ? default : gw.Span<double>());
        }
        return [gx, gg, gw];
    }

    /// <summary>The same closed form as the kernel, in differentiable tensor ops.</summary>
    private Tensor?[] RecordedBackward(Tensor a, bool[] needs)
    {
        Tensor x = Inputs[0], g = Inputs[1];
        Tensor w = Inputs[2].Reshape(Channels.Shape(x));
        int[] dims = Channels.ReducedDims(x);
        (Tensor xhat, Tensor r) = Channels.Normalise(x, eps);
        Tensor gc = g - g.Mean(dims, keepDim: true), ac = a - a.Mean(dims, keepDim: true);
        Tensor m1 = (g * xhat).Mean(dims, keepDim: true), m2 = (a * xhat).Mean(dims, keepDim: true);
        Tensor? gx = null, gg = null, gw = null;
        if (needs[0])
        {
            Tensor cov = (ac * gc).Mean(dims, keepDim: true);
            gx = w * r.Square() * ((3.0 * m1 * m2 - cov) * xhat - m2 * gc - m1 * ac);
        }
        if (needs[1])
        {
            gg = w * r * (ac - xhat * m2);
        }
        if (needs[2])
        {
            gw = (a * r * (gc - xhat * m1)).Sum(dims);
        }
        return [gx, gg, gw];
    }
}

/// <summary>
/// The weight gradient of batch norm as an op of <c>(x, g)</c>: <c>dw = sum(g * xhat)</c> per channel. Its backward,
/// given <c>b</c> (one value per channel), is <c>gx = b * r * (g - mean(g) - xhat * mean(g * xhat))</c> and
/// <c>gg = b * xhat</c> (<see cref="Normalization.BatchNormWeightGradBackward{T}"/>); recorded in tensor ops when the
/// backward is itself differentiated.
/// </summary>
internal sealed class BatchNormWeightGrad(Tensor x, Tensor g, double eps, Tensor mean, Tensor variance) : Function(x, g)
{
    public override string Name => "batch_norm_weight_grad";

    /// <param name="x">The batch norm's input.</param>
    /// <param name="g">The gradient with respect to its output.</param>
    /// <param name="eps">Its variance offset.</param>
    /// <param name="mean">The batch mean of <paramref name="x"/> per channel (a constant).</param>
    /// <param name="variance">The biased batch variance of <paramref name="x"/> per channel (a constant).</param>
    public static Tensor Apply(Tensor x, Tensor g, double eps, Tensor mean, Tensor variance)
    {
        (int batch, int channels, int spatial) = Channels.Sizes(x);
        Tensor dw = Tensor.Empty([channels], x.DType);
        // Only dw is asked for, and it does not depend on the weight (which scales dx alone), so none is passed.
        if (x.DType == DType.Float32)
        {
            Normalization.BatchNormBackward<float>(x.Span<float>(), g.Span<float>(), batch, channels, spatial, default, mean.Span<float>(), variance.Span<float>(),
                (float)eps, default, dw.Span<float>(), default);
        }
        else
        {
            Normalization.BatchNormBackward<double>(x.Span<double>(), g.Span<double>(), batch, channels, spatial, default, mean.Span<double>(), variance.Span<double>(),
                eps, default, dw.Span<double>(), default);
        }
        return Graph.Record(dw, "batch_norm_weight_grad", Graph.Needs(x, g) ? new BatchNormWeightGrad(x, g, eps, mean, variance) : null);
    }

    public override Tensor?[] Backward(Tensor b, Tensor y, bool[] needs)
    {
        Tensor x = Inputs[0], g = Inputs[1];
        if (Autograd.IsGradEnabled)
        {
            int[] dims = Channels.ReducedDims(x);
            Tensor scale = b.Reshape(Channels.Shape(x));
            (Tensor xhat, Tensor r) = Channels.Normalise(x, eps);
            return
            [
                needs[0] ? scale * r * (g - g.Mean(dims, keepDim: true) - xhat * (g * xhat).Mean(dims, keepDim: true)) : null,
                needs[1] ? scale * xhat : null,
            ];
        }
        (int batch, int channels, int spatial) = Channels.Sizes(x);
        Tensor? gx = needs[0] ? Tensor.Empty(x.ShapeArray, x.DType) : null;
        Tensor? gg = needs[1] ? Tensor.Empty(x.ShapeArray, x.DType) : null;
        if (x.DType == DType.Float32)
        {
            Normalization.BatchNormWeightGradBackward<float>(x.Span<float>(), g.Span<float>(), b.Span<float>(), batch, channels, spatial, mean.Span<float>(), variance.Span<float>(),
                (float)eps, gx is null ? default : gx.Span<float>(), gg is null ? default : gg.Span<float>());
        }
        else
        {
            Normalization.BatchNormWeightGradBackward<double>(x.Span<double>(), g.Span<double>(), b.Span<double>(), batch, channels, spatial, mean.Span<double>(), variance.Span<double>(),
                eps, gx is null ? default : gx.Span<double>(), gg is null ? default : gg.Span<double>());
        }
        return [gx, gg];
    }
}

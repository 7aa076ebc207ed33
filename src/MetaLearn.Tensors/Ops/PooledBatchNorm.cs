using MetaLearn.Kernels;

namespace MetaLearn.Tensors.Ops;

/// <summary>
/// <c>relu(max_pool2d(batch_norm(x), 2))</c> with batch statistics, the tail of a convnet block, as one op: the values and
/// gradients of the three ops without their two full-size intermediates (the normalised map and its scattered gradient).
/// First order runs <see cref="PooledBatchNorm.Backward{T}"/>. Recorded (createGraph), the gradient of the normalised map
/// is built as in the unfused ops: the ReLU's mask, the scatter to the argmax positions (<see cref="ScatterAdd"/>, the
/// adjoint of max-pooling's gather), then <see cref="BatchNormInputGrad"/> and <see cref="BatchNormWeightGrad"/>, all
/// differentiable again.
/// </summary>
internal sealed class PooledBatchNormOp(Tensor x, Tensor weight, Tensor bias, double eps, Tensor mean, Tensor variance, Positions index)
    : Function(x, weight, bias)
{
    public override string Name => "batch_norm_max_pool_relu";

    public static Tensor Apply(Tensor x, Tensor weight, Tensor bias, double eps)
    {
        int batch = x.Shape[0], channels = x.Shape[1], height = x.Shape[2], width = x.Shape[3];
        Tensor y = Tensor.Empty([batch, channels, height / 2, width / 2], x.DType);
        Tensor mean = Tensor.Empty([channels], x.DType), variance = Tensor.Empty([channels], x.DType);
        Positions index = Positions.Allocate(y.Count); // every entry is written by the kernel
        if (x.DType == DType.Float32)
        {
            PooledBatchNorm.Forward<float>(x.Span<float>(), batch, channels, height, width, weight.Span<float>(), bias.Span<float>(), (float)eps,
                y.Span<float>(), index.Span, mean.Span<float>(), variance.Span<float>());
        }
        else
        {
            PooledBatchNorm.Forward<double>(x.Span<double>(), batch, channels, height, width, weight.Span<double>(), bias.Span<double>(), eps,
                y.Span<double>(), index.Span, mean.Span<double>(), variance.Span<double>());
        }
        return Graph.Record(y, "batch_norm_max_pool_relu",
            Graph.Needs(x, weight, bias) ? new PooledBatchNormOp(x, weight, bias, eps, mean, variance, index) : null);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs)
        => Autograd.IsGradEnabled ? DifferentiableBackward(g, y, needs) : FusedBackward(g, y, needs);

    private Tensor?[] FusedBackward(Tensor g, Tensor y, bool[] needs)
    {
        Tensor x = Inputs[0], weight = Inputs[1], bias = Inputs[2];
        int batch = x.Shape[0], channels = x.Shape[1], height = x.Shape[2], width = x.Shape[3];
        Tensor? dx = needs[0] ? Tensor.Empty(x.ShapeArray, x.DType) : null;
        Tensor? dw = needs[1] ? Tensor.Empty([channels], x.DType) : null;
        Tensor? db = needs[2] ? Tensor.Empty([channels], x.DType) : null;
        if (x.DType == DType.Float32)
        {
            PooledBatchNorm.Backward<float>(x.Span<float>(), g.Span<float>(), y.Span<float>(), index.Span, batch, channels, height, width,
                weight.Span<float>(), bias.Span<float>(), mean.Span<float>(), variance.Span<float>(), (float)eps,
                dx is null ? default : dx.Span<float>(), dw is null ? default : dw.Span<float>(), db is null ? default : db.Span<float>());
        }
        else
        {
            PooledBatchNorm.Backward<double>(x.Span<double>(), g.Span<double>(), y.Span<double>(), index.Span, batch, channels, height, width,
                weight.Span<double>(), bias.Span<double>(), mean.Span<double>(), variance.Span<double>(), eps,
                dx is null ? default : dx.Span<double>(), dw is null ? default : dw.Span<double>(), db is null ? default : db.Span<double>());
        }
        return [dx, dw, db];
    }

    private Tensor?[] DifferentiableBackward(Tensor g, Tensor y, bool[] needs)
    {
        Tensor x = Inputs[0], weight = Inputs[1];
        int planes = x.Shape[0] * x.Shape[1];
        // ReLU: the gradient passes where the output is positive (a constant mask); max-pool: it lands on the argmax.
        Tensor passed = Tensor.Where(y.Greater(0.0), g, Tensor.Scalar(0, g.DType));
        Tensor normalised = ScatterAdd.Apply(passed.Reshape(planes, y.Count / planes), 1, index, [planes, x.Count / planes]).ReshapeOwned(x.ShapeArray.ToArray());
        return
        [
            needs[0] ? BatchNormInputGrad.Apply(x, normalised, weight, eps, mean, variance) : null,
            needs[1] ? BatchNormWeightGrad.Apply(x, normalised, eps, mean, variance) : null,
            needs[2] ? normalised.Sum(Channels.ReducedDims(x)) : null,
        ];
    }
}

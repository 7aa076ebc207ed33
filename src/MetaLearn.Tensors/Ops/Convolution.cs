using MetaLearn.Kernels;

namespace MetaLearn.Tensors.Ops;

// Convolution as three primitives that close under differentiation (all bilinear):
//   y  = Conv2dOp(x, w)           dx = Conv2dInputGrad(dy, w)      dw = Conv2dWeightGrad(x, dy)
//   Conv2dInputGrad(dy, w):       d/d dy = Conv2dOp(h, w)          d/dw = Conv2dWeightGrad(h, dy)
//   Conv2dWeightGrad(x, dy):      d/dx = Conv2dInputGrad(dy, h)    d/d dy = Conv2dOp(x, h)
// so second-order MAML through conv layers needs no column matrices saved in the graph.

/// <summary>Convolution with an optional per-channel bias fused into the output write (no activation-sized copy for the bias).</summary>
internal sealed class Conv2dOp : Function
{
    private readonly WindowGeometry _geometry;

    private Conv2dOp(Tensor[] inputs, WindowGeometry geometry) : base(inputs)
    {
        _geometry = geometry;
    }

    public override string Name => "conv2d";

    public static Tensor Apply(Tensor x, Tensor weight, WindowGeometry g, Tensor? bias = null)
    {
        int outChannels = weight.Shape[0];
        Tensor y = Tensor.Empty([g.Batch, outChannels, g.OutHeight, g.OutWidth], x.DType);
        if (x.DType == DType.Float32)
        {
            Convolution.Forward<float>(x.Span<float>(), weight.Span<float>(), bias is null ? default : bias.Span<float>(), y.Span<float>(), g, outChannels);
        }
        else
        {
            Convolution.Forward<double>(x.Span<double>(), weight.Span<double>(), bias is null ? default : bias.Span<double>(), y.Span<double>(), g, outChannels);
        }
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Graph.Record(y, "conv2d", Graph.Needs(inputs) ? new Conv2dOp(inputs, g) : null);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs)
    {
        Tensor? dx = needs[0] ? Conv2dInputGrad.Apply(g, Inputs[1], _geometry) : null;
        if (Inputs.Length == 3 && needs[1] && needs[2] && !Autograd.IsGradEnabled)
        {
            // First order: the weight-gradient kernel sums dy for the bias as it reads it, instead of another pass.
            (Tensor dw, Tensor db) = Conv2dWeightGrad.WithBiasGradient(Inputs[0], g, _geometry);
            return [dx, dw, db];
        }
        Tensor? dWeight = needs[1] ? Conv2dWeightGrad.Apply(Inputs[0], g, _geometry) : null;
        return Inputs.Length == 2 ? [dx, dWeight] : [dx, dWeight, needs[2] ? g.Sum([0, 2, 3]) : null];
    }
}

internal sealed class Conv2dInputGrad(Tensor dy, Tensor weight, WindowGeometry geometry) : Function(dy, weight)
{
    public override string Name => "conv2d_input_grad";

    public static Tensor Apply(Tensor dy, Tensor weight, WindowGeometry g)
    {
        Tensor dx = Tensor.Empty([g.Batch, g.Channels, g.Height, g.Width], dy.DType);
        if (dy.DType == DType.Float32)
        {
            Convolution.BackwardInput<float>(dy.Span<float>(), weight.Span<float>(), dx.Span<float>(), g, weight.Shape[0]);
        }
        else
        {
            Convolution.BackwardInput<double>(dy.Span<double>(), weight.Span<double>(), dx.Span<double>(), g, weight.Shape[0]);
        }
        return Graph.Record(dx, "conv2d_input_grad", Graph.Needs(dy, weight) ? new Conv2dInputGrad(dy, weight, g) : null);
    }

    public override Tensor?[] Backward(Tensor h, Tensor y, bool[] needs)
        => [needs[0] ? Conv2dOp.Apply(h, Inputs[1], geometry) : null, needs[1] ? Conv2dWeightGrad.Apply(h, Inputs[0], geometry) : null];
}

internal sealed class Conv2dWeightGrad(Tensor x, Tensor dy, WindowGeometry geometry) : Function(x, dy)
{
    public override string Name => "conv2d_weight_grad";

    public static Tensor Apply(Tensor x, Tensor dy, WindowGeometry g)
    {
        int outChannels = dy.Shape[1];
        Tensor dw = Tensor.Empty([outChannels, g.Channels, g.KernelHeight, g.KernelWidth], x.DType);
        if (x.DType == DType.Float32)
        {
            Convolution.BackwardWeight<float>(x.Span<float>(), dy.Span<float>(), dw.Span<float>(), g, outChannels);
        }
        else
        {
            Convolution.BackwardWeight<double>(x.Span<double>(), dy.Span<double>(), dw.Span<double>(), g, outChannels);
        }
        return Graph.Record(dw, "conv2d_weight_grad", Graph.Needs(x, dy) ? new Conv2dWeightGrad(x, dy, g) : null);
    }

    public override Tensor?[] Backward(Tensor h, Tensor y, bool[] needs)
        => [needs[0] ? Conv2dInputGrad.Apply(Inputs[1], h, geometry) : null, needs[1] ? Conv2dOp.Apply(Inputs[0], h, geometry) : null];

    /// <summary>The weight gradient and the bias gradient (<c>dy</c> summed over images and positions), not recorded.</summary>
    public static (Tensor Weight, Tensor Bias) WithBiasGradient(Tensor x, Tensor dy, WindowGeometry g)
    {
        int outChannels = dy.Shape[1];
        Tensor dw = Tensor.Empty([outChannels, g.Channels, g.KernelHeight, g.KernelWidth], x.DType);
        Tensor db = Tensor.Empty([outChannels], x.DType);
        if (x.DType == DType.Float32)
        {
            Convolution.BackwardWeight<float>(x.Span<float>(), dy.Span<float>(), dw.Span<float>(), g, outChannels, db.Span<float>());
        }
        else
        {
            Convolution.BackwardWeight<double>(x.Span<double>(), dy.Span<double>(), dw.Span<double>(), g, outChannels, db.Span<double>());
        }
        return (dw, db);
    }
}

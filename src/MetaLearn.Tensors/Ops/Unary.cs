using K = MetaLearn.Kernels;

namespace MetaLearn.Tensors.Ops;

// Elementwise primitives of one tensor. Each backward rule is a tensor expression; where it reuses the
// output (exp, sigmoid, tanh, sqrt) the output's own graph carries the second derivative.

internal sealed class Neg(Tensor x) : Function(x)
{
    public override string Name => "neg";

    public static Tensor Apply(Tensor x) => Graph.Record(Compute.Unary<K.Unary.Negate>(x), "neg", Graph.Needs(x) ? new Neg(x) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [-g];
}

internal sealed class Exp(Tensor x) : Function(x)
{
    public override string Name => "exp";

    public static Tensor Apply(Tensor x) => Graph.Record(Compute.Unary<K.Unary.Exp>(x), "exp", Graph.Needs(x) ? new Exp(x) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [g * y];
}

internal sealed class Log(Tensor x) : Function(x)
{
    public override string Name => "log";

    public static Tensor Apply(Tensor x) => Graph.Record(Compute.Unary<K.Unary.Log>(x), "log", Graph.Needs(x) ? new Log(x) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [g / Inputs[0]];
}

internal sealed class Sqrt(Tensor x) : Function(x)
{
    public override string Name => "sqrt";

    public static Tensor Apply(Tensor x) => Graph.Record(Compute.Unary<K.Unary.Sqrt>(x), "sqrt", Graph.Needs(x) ? new Sqrt(x) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [g * 0.5 / y];
}

internal sealed class Sin(Tensor x) : Function(x)
{
    public override string Name => "sin";

    public static Tensor Apply(Tensor x) => Graph.Record(Compute.Unary<K.Unary.Sin>(x), "sin", Graph.Needs(x) ? new Sin(x) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [g * Cos.Apply(Inputs[0])];
}

internal sealed class Cos(Tensor x) : Function(x)
{
    public override string Name => "cos";

    public static Tensor Apply(Tensor x) => Graph.Record(Compute.Unary<K.Unary.Cos>(x), "cos", Graph.Needs(x) ? new Cos(x) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [-(g * Sin.Apply(Inputs[0]))];
}

internal sealed class Abs(Tensor x) : Function(x)
{
    public override string Name => "abs";

    public static Tensor Apply(Tensor x) => Graph.Record(Compute.Unary<K.Unary.Abs>(x), "abs", Graph.Needs(x) ? new Abs(x) : null);

    // sign(x) is piecewise constant, so it enters the graph as a constant (0 at 0, as in PyTorch).
    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [g * Compute.Unary<K.Unary.Sign>(Inputs[0])];
}

internal sealed class Relu(Tensor x) : Function(x)
{
    public override string Name => "relu";

    public static Tensor Apply(Tensor x) => Graph.Record(Compute.Unary<K.Unary.Relu>(x), "relu", Graph.Needs(x) ? new Relu(x) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [ReluMask.Apply(g, Inputs[0])];
}

/// <summary>
/// ReLU's backward rule fused into one pass: <c>g</c> where the (constant) input is positive, else 0.
/// It is linear in <c>g</c>, so its own backward is itself (relu'' is 0 almost everywhere).
/// </summary>
internal sealed class ReluMask(Tensor g, Tensor input) : Function(g)
{
    private readonly Tensor _input = input.Detach();

    public override string Name => "relu_backward";

    public static Tensor Apply(Tensor g, Tensor input)
        => Graph.Record(Compute.Binary<K.Binary.MaskByPositive>("relu_backward", g, input), "relu_backward", Graph.Needs(g) ? new ReluMask(g, input) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [Apply(g, _input)];
}

internal sealed class Sigmoid(Tensor x) : Function(x)
{
    public override string Name => "sigmoid";

    public static Tensor Apply(Tensor x) => Graph.Record(Compute.Unary<K.Unary.Sigmoid>(x), "sigmoid", Graph.Needs(x) ? new Sigmoid(x) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [g * y * (1.0 - y)];
}

internal sealed class Tanh(Tensor x) : Function(x)
{
    public override string Name => "tanh";

    public static Tensor Apply(Tensor x) => Graph.Record(Compute.Unary<K.Unary.Tanh>(x), "tanh", Graph.Needs(x) ? new Tanh(x) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [g * (1.0 - y * y)];
}

internal sealed class Softplus(Tensor x) : Function(x)
{
    public override string Name => "softplus";

    public static Tensor Apply(Tensor x) => Graph.Record(Compute.Unary<K.Unary.Softplus>(x), "softplus", Graph.Needs(x) ? new Softplus(x) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [g * Inputs[0].Sigmoid()];
}

/// <summary>x to a constant power.</summary>
internal sealed class PowScalar(Tensor x, double exponent) : Function(x)
{
    public override string Name => "pow";

    public static Tensor Apply(Tensor x, double exponent)
        => Graph.Record(Compute.WithScalar<K.Binary.Pow>(x, exponent), "pow", Graph.Needs(x) ? new PowScalar(x, exponent) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs)
        => [exponent == 1.0 ? g : exponent == 2.0 ? g * Inputs[0] * 2.0 : g * exponent * Apply(Inputs[0], exponent - 1.0)];
}

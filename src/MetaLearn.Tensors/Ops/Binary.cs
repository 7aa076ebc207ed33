using K = MetaLearn.Kernels;

namespace MetaLearn.Tensors.Ops;

// Elementwise primitives of two broadcasting tensors. Gradients are returned in the broadcast shape;
// Autograd.SumToShape reduces them to each input's shape in one place.

internal sealed class Add(Tensor a, Tensor b) : Function(a, b)
{
    public override string Name => "add";

    public static Tensor Apply(Tensor a, Tensor b) => Graph.Record(Compute.Binary<K.Binary.Add>("add", a, b), "add", Graph.Needs(a, b) ? new Add(a, b) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [g, g];
}

internal sealed class Sub(Tensor a, Tensor b) : Function(a, b)
{
    public override string Name => "sub";

    public static Tensor Apply(Tensor a, Tensor b) => Graph.Record(Compute.Binary<K.Binary.Subtract>("sub", a, b), "sub", Graph.Needs(a, b) ? new Sub(a, b) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [g, needs[1] ? -g : null];
}

internal sealed class Mul(Tensor a, Tensor b) : Function(a, b)
{
    public override string Name => "mul";

    public static Tensor Apply(Tensor a, Tensor b) => Graph.Record(Compute.Binary<K.Binary.Multiply>("mul", a, b), "mul", Graph.Needs(a, b) ? new Mul(a, b) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs)
        => [needs[0] ? g * Inputs[1] : null, needs[1] ? g * Inputs[0] : null];
}

internal sealed class Div(Tensor a, Tensor b) : Function(a, b)
{
    public override string Name => "div";

    public static Tensor Apply(Tensor a, Tensor b) => Graph.Record(Compute.Binary<K.Binary.Divide>("div", a, b), "div", Graph.Needs(a, b) ? new Div(a, b) : null);

    // d(a/b)/db = -(a/b)/b; reusing the output keeps one division off the backward pass.
    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs)
        => [needs[0] ? g / Inputs[1] : null, needs[1] ? -(g * y) / Inputs[1] : null];
}

internal sealed class Pow(Tensor a, Tensor b) : Function(a, b)
{
    public override string Name => "pow";

    public static Tensor Apply(Tensor a, Tensor b) => Graph.Record(Compute.Binary<K.Binary.Pow>("pow", a, b), "pow", Graph.Needs(a, b) ? new Pow(a, b) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs)
        => [needs[0] ? g * Inputs[1] * Apply(Inputs[0], Inputs[1] - 1.0) : null, needs[1] ? g * y * Inputs[0].Log() : null];
}

/// <summary>Picks <c>a</c> where the (constant) condition is non-zero, else <c>b</c>; all three broadcast.</summary>
internal sealed class Where(Tensor condition, Tensor a, Tensor b) : Function(a, b)
{
    private Tensor? _condition = condition;

    public override string Name => "where";

    public static Tensor Apply(Tensor condition, Tensor a, Tensor b)
    {
        a.CheckSameDType("where", b);
        condition.CheckSameDType("where", a);
        int[] shape = Shapes.Broadcast("where", Shapes.Broadcast("where", condition.Shape, a.Shape), b.Shape);
        Tensor c = Compute.Expand(condition, shape), x = Compute.Expand(a, shape), z = Compute.Expand(b, shape);
        Tensor y = Tensor.Empty(shape, a.DType);
        if (a.DType == DType.Float32)
        {
            Select(c.Span<float>(), x.Span<float>(), z.Span<float>(), y.Span<float>());
        }
        else
        {
            Select(c.Span<double>(), x.Span<double>(), z.Span<double>(), y.Span<double>());
        }
        return Graph.Record(y, "where", Graph.Needs(a, b) ? new Where(condition.Detach(), a, b) : null);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs)
    {
        Tensor zero = Tensor.Scalar(0, g.DType);
        return [needs[0] ? Apply(_condition!, g, zero) : null, needs[1] ? Apply(_condition!, zero, g) : null];
    }

    protected override void OnRelease() => _condition = null;

    private static void Select<T>(Span<T> c, Span<T> a, Span<T> b, Span<T> y) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = c[i] != T.Zero ? a[i] : b[i];
        }
    }
}

using MetaLearn.Kernels;

namespace MetaLearn.Tensors.Ops;

// Primitives that move values without arithmetic. Each backward rule is another movement primitive.

/// <summary>Same values, new shape: a view that shares storage.</summary>
internal sealed class Reshape(Tensor x) : Function(x)
{
    public override string Name => "reshape";

    public static Tensor Apply(Tensor x, int[] shape)
        => Graph.Record(x.View(shape), "reshape", Graph.Needs(x) ? new Reshape(x) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [g.ReshapeOwned(Inputs[0].ShapeArray)];
}

internal sealed class Permute(Tensor x, int[] perm) : Function(x)
{
    public override string Name => "permute";

    public static Tensor Apply(Tensor x, int[] perm)
    {
        var shape = new int[perm.Length];
        for (int d = 0; d < perm.Length; d++)
        {
            shape[d] = x.Shape[perm[d]];
        }
        Tensor y = Tensor.Empty(shape, x.DType);
        if (x.DType == DType.Float32)
        {
            Layout.Permute<float>(x.Span<float>(), x.Shape, perm, y.Span<float>());
        }
        else
        {
            Layout.Permute<double>(x.Span<double>(), x.Shape, perm, y.Span<double>());
        }
        return Graph.Record(y, "permute", Graph.Needs(x) ? new Permute(x, perm) : null);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs)
    {
        var inverse = new int[perm.Length];
        for (int d = 0; d < perm.Length; d++)
        {
            inverse[perm[d]] = d;
        }
        return [Apply(g, inverse)];
    }
}

/// <summary>Broadcast to a larger shape (materialised; the engine's tensors are contiguous).</summary>
internal sealed class Expand(Tensor x) : Function(x)
{
    public override string Name => "expand";

    public static Tensor Apply(Tensor x, int[] shape)
        => Graph.Record(Compute.Expand(x, shape), "expand", Graph.Needs(x) ? new Expand(x) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [Autograd.SumToShape(g, Inputs[0].ShapeArray)];
}

/// <summary><c>x.narrow(dim, start, length)</c>.</summary>
internal sealed class Slice(Tensor x, int dim, int start) : Function(x)
{
    public override string Name => "slice";

    public static Tensor Apply(Tensor x, int dim, int start, int length)
    {
        (int outer, int n, int inner) = Shapes.Split(x.Shape, dim);
        int[] shape = x.ShapeArray.ToArray();
        shape[dim] = length;
        Tensor y = Tensor.Empty(shape, x.DType);
        if (x.DType == DType.Float32)
        {
            Layout.CopyBlock<float>(x.Span<float>(), outer, n, start, y.Span<float>(), length, 0, length, inner);
        }
        else
        {
            Layout.CopyBlock<double>(x.Span<double>(), outer, n, start, y.Span<double>(), length, 0, length, inner);
        }
        return Graph.Record(y, "slice", Graph.Needs(x) ? new Slice(x, dim, start) : null);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [Pad.Apply(g, dim, start, Inputs[0].Shape[dim])];
}

/// <summary>The adjoint of <see cref="Slice"/>: places x at <c>start</c> along <c>dim</c> in zeros of size <c>total</c>.</summary>
internal sealed class Pad(Tensor x, int dim, int start) : Function(x)
{
    public override string Name => "pad";

    public static Tensor Apply(Tensor x, int dim, int start, int total)
    {
        (int outer, int n, int inner) = Shapes.Split(x.Shape, dim);
        int[] shape = x.ShapeArray.ToArray();
        shape[dim] = total;
        Tensor y = Tensor.ZeroedEmpty(shape, x.DType);
        if (x.DType == DType.Float32)
        {
            Layout.CopyBlock<float>(x.Span<float>(), outer, n, 0, y.Span<float>(), total, start, n, inner);
        }
        else
        {
            Layout.CopyBlock<double>(x.Span<double>(), outer, n, 0, y.Span<double>(), total, start, n, inner);
        }
        return Graph.Record(y, "pad", Graph.Needs(x) ? new Pad(x, dim, start) : null);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [Slice.Apply(g, dim, start, Inputs[0].Shape[dim])];
}

internal sealed class Concat(Tensor[] inputs, int dim) : Function(inputs)
{
    public override string Name => "concat";

    public static Tensor Apply(Tensor[] inputs, int dim)
    {
        int[] shape = inputs[0].ShapeArray.ToArray();
        shape[dim] = inputs.Sum(t => t.Shape[dim]);
        Tensor y = Tensor.Empty(shape, inputs[0].DType);
        int offset = 0;
        foreach (Tensor t in inputs)
        {
            (int outer, int n, int inner) = Shapes.Split(t.Shape, dim);
            if (y.DType == DType.Float32)
            {
                Layout.CopyBlock<float>(t.Span<float>(), outer, n, 0, y.Span<float>(), shape[dim], offset, n, inner);
            }
            else
            {
                Layout.CopyBlock<double>(t.Span<double>(), outer, n, 0, y.Span<double>(), shape[dim], offset, n, inner);
            }
            offset += n;
        }
        return Graph.Record(y, "concat", Graph.Needs(inputs) ? new Concat(inputs, dim) : null);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs)
    {
        var grads = new Tensor?[Inputs.Length];
        int offset = 0;
        for (int i = 0; i < Inputs.Length; i++)
        {
            int n = Inputs[i].Shape[dim];
            grads[i] = needs[i] ? Slice.Apply(g, dim, offset, n) : null;
            offset += n;
        }
        return grads;
    }
}

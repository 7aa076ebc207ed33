using MetaLearn.Kernels;

namespace MetaLearn.Tensors.Ops;

/// <summary><c>torch.gather</c>: <c>y[..., j, ...] = x[..., index[..., j, ...], ...]</c> along <c>dim</c>; the index is a constant.</summary>
internal sealed class Gather(Tensor x, int dim, Positions index) : Function(x)
{
    public override string Name => "gather";

    /// <param name="x">Source.</param>
    /// <param name="dim">Normalised dimension.</param>
    /// <param name="index">Row-major indices, shaped like <paramref name="indexShape"/>.</param>
    /// <param name="indexShape">Equal to x's shape except along <paramref name="dim"/>.</param>
    public static Tensor Apply(Tensor x, int dim, Positions index, int[] indexShape)
    {
        (int outer, int n, int inner) = Shapes.Split(x.Shape, dim);
        int m = indexShape[dim];
        Tensor y = Tensor.Empty(indexShape, x.DType);
        if (x.DType == DType.Float32)
        {
            Layout.Gather<float>(x.Span<float>(), outer, n, inner, index.Span, m, y.Span<float>());
        }
        else
        {
            Layout.Gather<double>(x.Span<double>(), outer, n, inner, index.Span, m, y.Span<double>());
        }
        return Computed(x, dim, index, y);
    }

    /// <summary>
    /// Records <paramref name="y"/>, already computed by a fused kernel (2x2 max-pool), as the gather of
    /// <paramref name="x"/> at <paramref name="index"/> along <paramref name="dim"/>: the same node and gradient.
    /// </summary>
    public static Tensor Computed(Tensor x, int dim, Positions index, Tensor y) =>
        Graph.Record(y, "gather", Graph.Needs(x) ? new Gather(x, dim, index) : null);

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [ScatterAdd.Apply(g, dim, index, Inputs[0].ShapeArray)];
}

/// <summary>The adjoint of <see cref="Gather"/>: zeros of <c>shape</c> with <c>src</c> added at the indexed positions.</summary>
internal sealed class ScatterAdd(Tensor source, int dim, Positions index) : Function(source)
{
    public override string Name => "scatter_add";

    public static Tensor Apply(Tensor source, int dim, Positions index, int[] shape)
    {
        (int outer, int n, int inner) = Shapes.Split(shape, dim);
        int m = source.Shape[dim];
        Tensor y = Tensor.ZeroedEmpty((int[])shape.Clone(), source.DType);
        if (source.DType == DType.Float32)
        {
            Layout.ScatterAdd<float>(source.Span<float>(), outer, m, inner, index.Span, n, y.Span<float>());
        }
        else
        {
            Layout.ScatterAdd<double>(source.Span<double>(), outer, m, inner, index.Span, n, y.Span<double>());
        }
        return Graph.Record(y, "scatter_add", Graph.Needs(source) ? new ScatterAdd(source, dim, index) : null);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [Gather.Apply(g, dim, index, Inputs[0].ShapeArray)];
}

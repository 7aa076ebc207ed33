using MetaLearn.Kernels;

namespace MetaLearn.Tensors.Ops;

/// <summary>Sum over a set of dimensions; the only reduction primitive (mean, logsumexp and friends build on it).</summary>
internal sealed class Sum(Tensor x, int[] keptShape) : Function(x)
{
    public override string Name => "sum";

    /// <param name="x">The tensor.</param>
    /// <param name="dims">Distinct, normalised dimensions to reduce.</param>
    /// <param name="keepDim">Keep reduced dimensions as size 1.</param>
    public static Tensor Apply(Tensor x, int[] dims, bool keepDim)
    {
        int[] kept = x.ShapeArray.ToArray();
        Tensor current = x;
        foreach (int d in dims)
        {
            (int outer, int n, int inner) = Shapes.Split(current.Shape, d);
            kept[d] = 1;
            Tensor next = Tensor.Empty(kept.ToArray(), x.DType);
            if (x.DType == DType.Float32)
            {
                Reduce.Sum<float>(current.Span<float>(), outer, n, inner, next.Span<float>());
            }
            else
            {
                Reduce.Sum<double>(current.Span<double>(), outer, n, inner, next.Span<double>());
            }
            current = next;
        }
        int[] outShape = keepDim ? kept : kept.Where((_, d) => !dims.Contains(d)).ToArray();
        Tensor y = current.View(outShape);
        return Graph.Record(y, "sum", Graph.Needs(x) ? new Sum(x, kept) : null);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [g.ReshapeOwned(keptShape).ExpandOwned(Inputs[0].ShapeArray)];
}

using MetaLearn.Kernels;
using MetaLearn.Tensors.Ops;

namespace MetaLearn.Tensors;

public sealed partial class Tensor
{
    /// <summary>Sum of all elements (a scalar).</summary>
    public Tensor Sum() => Ops.Sum.Apply(this, AllDims(), keepDim: false);

    /// <summary>Sum over one dimension.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>Sum over several dimensions.</summary>
    public Tensor Sum(int[] dims, bool keepDim = false) => Ops.Sum.Apply(this, NormalizeDims("sum", dims), keepDim);

    /// <summary>Mean of all elements (a scalar).</summary>
    public Tensor Mean() => Sum() * (1.0 / Count);

    /// <summary>Mean over one dimension.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>Mean over several dimensions.</summary>
    public Tensor Mean(int[] dims, bool keepDim = false)
    {
        int[] normalized = NormalizeDims("mean", dims);
        int n = 1;
        foreach (int d in normalized)
        {
            n *= _shape[d];
        }
        return Sum(normalized, keepDim) * (1.0 / n);
    }

    /// <summary>Largest element (a scalar). The gradient goes to the first maximal element.</summary>
    public Tensor Max() => Reshape(-1).Max(0);

    /// <summary>Largest element along a dimension; the gradient goes to the first maximal element of each slice.</summary>
    public Tensor Max(int dim, bool keepDim = false)
    {
        int d = Shapes.NormalizeDim("max", dim, Rank);
        int[] index = ArgMax(d, out int[] keptShape);
        Tensor values = Ops.Gather.Apply(this, d, Positions.Of(index), keptShape);
        return keepDim ? values : values.Reshape(_shape.Where((_, i) => i != d).ToArray());
    }

    /// <summary>Smallest element along a dimension.</summary>
    public Tensor Min(int dim, bool keepDim = false) => -(-this).Max(dim, keepDim);

    /// <summary>Smallest element (a scalar).</summary>
    public Tensor Min() => -(-this).Max();

    /// <summary>Index of the (first) largest element along <paramref name="dim"/>, for every other position (row-major).</summary>
    public int[] ArgMax(int dim) => ArgMax(Shapes.NormalizeDim("argmax", dim, Rank), out _);

    /// <summary>log(sum(exp(x))) along a dimension, computed stably by shifting by the (constant) maximum.</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false)
    {
        // The shift is detached: log(sum(exp(x - m))) + m equals logsumexp(x) for any constant m,
        // so every derivative flows through the exp/log path alone.
        Tensor m = Max(dim, keepDim: true).Detach();
        // A row whose maximum is infinite would turn x - m into NaN; shift such rows by 0 instead.
        if (HasInfinite(m))
        {
            m = Where(m.Abs().Less(double.PositiveInfinity), m, ZerosLike(m));
        }
        Tensor result = (this - m).Exp().Sum(dim, keepDim: true).Log() + m;
        return keepDim ? result : result.Reshape(_shape.Where((_, i) => i != Shapes.NormalizeDim("logsumexp", dim, Rank)).ToArray());
    }

    /// <summary>exp(x) / sum(exp(x)) along a dimension.</summary>
    public Tensor Softmax(int dim) => (this - LogSumExp(dim, keepDim: true)).Exp();

    /// <summary>x - logsumexp(x) along a dimension.</summary>
    public Tensor LogSoftmax(int dim) => this - LogSumExp(dim, keepDim: true);

    private int[] ArgMax(int d, out int[] keptShape)
    {
        (int outer, int n, int inner) = Shapes.Split(_shape, d);
        if (n == 0)
        {
            throw new ArgumentException($"max: dimension {d} of shape {Shapes.Format(_shape)} is empty; a maximum needs at least one element.");
        }
        keptShape = _shape.ToArray();
        keptShape[d] = 1;
        var index = new int[outer * inner];
        if (DType == DType.Float32)
        {
            Reduce.ArgMax<float>(Span<float>(), outer, n, inner, new float[outer * inner], index);
        }
        else
        {
            Reduce.ArgMax<double>(Span<double>(), outer, n, inner, new double[outer * inner], index);
        }
        return index;
    }

    private static bool HasInfinite(Tensor t)
    {
        for (int i = 0; i < t.Count; i++)
        {
            if (double.IsInfinity(t[i]))
            {
                return true;
            }
        }
        return false;
    }

    private int[] AllDims() => Enumerable.Range(0, Rank).ToArray();

    private int[] NormalizeDims(string op, int[] dims)
    {
        var normalized = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            normalized[i] = Shapes.NormalizeDim(op, dims[i], Rank);
            if (Array.IndexOf(normalized, normalized[i], 0, i) >= 0)
            {
                throw new ArgumentException($"{op}: dimension {dims[i]} is listed twice in [{string.Join(", ", dims)}].");
            }
        }
        return normalized;
    }
}

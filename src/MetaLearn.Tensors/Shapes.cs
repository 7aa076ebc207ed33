namespace MetaLearn.Tensors;

/// <summary>Shape arithmetic shared by the ops. Shapes are <c>int[]</c> that are never mutated once made.</summary>
internal static class Shapes
{
    public static int Size(ReadOnlySpan<int> shape)
    {
        long size = 1;
        foreach (int d in shape)
        {
            size *= d;
        }
        if (size > int.MaxValue)
        {
            throw new ArgumentException($"A tensor of shape {Format(shape)} has {size} elements, more than {int.MaxValue}.");
        }
        return (int)size;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= shape[d];
        }
        return strides;
    }

    /// <summary>Numpy/PyTorch broadcasting: align trailing dimensions; each pair must match or one be 1.</summary>
    public static int[] Broadcast(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                throw new ArgumentException(
                    $"{op}: shapes {Format(a)} and {Format(b)} do not broadcast (dimension {i} of the aligned shapes is {da} vs {db}). " +
                    "Trailing dimensions must be equal or 1; reshape or unsqueeze one operand.");
            }
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Element strides of a contiguous tensor of <paramref name="shape"/> read as <paramref name="outShape"/> (0 where broadcast).</summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> shape, ReadOnlySpan<int> outShape)
    {
        var strides = new int[outShape.Length];
        int offset = outShape.Length - shape.Length;
        int stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d + offset] = shape[d] == 1 ? 0 : stride;
            stride *= shape[d];
        }
        return strides;
    }

    public static int NormalizeDim(string op, int dim, int rank)
    {
        int normalized = dim < 0 ? dim + rank : dim;
        if (normalized < 0 || normalized >= rank)
        {
            throw new ArgumentOutOfRangeException(nameof(dim),
                $"{op}: dimension {dim} is out of range for a tensor of rank {rank} (valid: {-rank}..{rank - 1}).");
        }
        return normalized;
    }

    /// <summary>Views <paramref name="shape"/> as <c>[outer, shape[dim], inner]</c>.</summary>
    public static (int Outer, int N, int Inner) Split(ReadOnlySpan<int> shape, int dim)
    {
        int outer = 1, inner = 1;
        for (int d = 0; d < dim; d++)
        {
            outer *= shape[d];
        }
        for (int d = dim + 1; d < shape.Length; d++)
        {
            inner *= shape[d];
        }
        return (outer, shape[dim], inner);
    }

    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);
}

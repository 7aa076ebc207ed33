using System.Numerics;
using System.Numerics.Tensors;

namespace MetaLearn.Kernels;

/// <summary>Reductions along one axis of a row-major block viewed as <c>[outer, n, inner]</c>.</summary>
internal static class Reduce
{
    /// <summary>Effectively computes <c>destination[o, i] = sum_r source[o, r, i]</c>.</summary>
    public static void Sum<T>(ReadOnlySpan<T> source, int outer, int n, int inner, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                destination[o] = TensorPrimitives.Sum(source.Slice(o * n, n));
            }
            return;
        }

        for (int o = 0; o < outer; o++)
        {
            Span<T> d = destination.Slice(o * inner, inner);
            if (n == 0)
            {
                d.Clear();
                continue;
            }
            source.Slice(o * n * inner, inner).CopyTo(d);
            for (int r = 1; r < n; r++)
            {
                TensorPrimitives.Add(d, source.Slice((o * n + r) * inner, inner), d);
            }
        }
    }

    /// <summary>
    /// Effectively computes <c>destination[o, i] = max_r source[o, r, i]</c> and the first <c>r</c> that attains it.
    /// A NaN wins over every number (it propagates, as in PyTorch).
    /// </summary>
    public static void ArgMax<T>(ReadOnlySpan<T> source, int outer, int n, int inner, Span<T> destination, Span<int> indices)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
        {
            int baseOffset = o * n * inner;
            for (int i = 0; i < inner; i++)
            {
                T best = source[baseOffset + i];
                int bestIndex = 0;
                for (int r = 1; r < n && !T.IsNaN(best); r++)
                {
                    T v = source[baseOffset + r * inner + i];
                    if (v > best || T.IsNaN(v))
                    {
                        best = v;
                        bestIndex = r;
                    }
                }
                destination[o * inner + i] = best;
                indices[o * inner + i] = bestIndex;
            }
        }
    }
}

using System.Numerics;

namespace MetaLearn.Kernels;

/// <summary>Elementwise loops over operands whose shapes broadcast to a common output shape.</summary>
internal static class Broadcast
{
    /// <summary>Most dimensions a broadcast loop accepts.</summary>
    public const int MaxRank = 16;

    /// <summary>Effectively computes <c>destination[idx] = x[idx . xStrides]</c>: materialises a broadcast view.</summary>
    public static void Expand<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> xStrides, Span<T> destination, ReadOnlySpan<int> shape)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Binary<T, First>(x, xStrides, x, xStrides, destination, shape);

    /// <summary>
    /// Effectively computes <c>destination[idx] = TOp(x[idx . xStrides], y[idx . yStrides])</c> for every
    /// index of <paramref name="shape"/> (row-major). A stride of 0 repeats an operand along that dimension.
    /// </summary>
    /// <remarks>Adjacent dimensions that both operands walk contiguously are merged first, so the common
    /// cases (same shape, bias over channels, a scalar) run as a few long span calls.</remarks>
    public static void Binary<T, TOp>(
        ReadOnlySpan<T> x, ReadOnlySpan<int> xStrides,
        ReadOnlySpan<T> y, ReadOnlySpan<int> yStrides,
        Span<T> destination, ReadOnlySpan<int> shape)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IBinaryOperator
    {
        if (shape.Length > MaxRank)
        {
            throw new ArgumentException($"Broadcast loops support at most {MaxRank} dimensions; got {shape.Length}.", nameof(shape));
        }

        if (destination.IsEmpty)
        {
            return;
        }

        Span<int> dims = stackalloc int[MaxRank];
        Span<int> sx = stackalloc int[MaxRank];
        Span<int> sy = stackalloc int[MaxRank];
        int rank = 0;
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 1)
            {
                continue;
            }
            if (rank > 0 && sx[rank - 1] == xStrides[d] * shape[d] && sy[rank - 1] == yStrides[d] * shape[d])
            {
                dims[rank - 1] *= shape[d];
                sx[rank - 1] = xStrides[d];
                sy[rank - 1] = yStrides[d];
                continue;
            }
            dims[rank] = shape[d];
            sx[rank] = xStrides[d];
            sy[rank] = yStrides[d];
            rank++;
        }

        if (rank == 0)
        {
            TOp.Invoke(x[..1], y[..1], destination[..1]);
            return;
        }

        int n = dims[rank - 1];
        int ix = sx[rank - 1], iy = sy[rank - 1];
        int outer = destination.Length / n;
        Span<int> counter = stackalloc int[MaxRank];
        counter.Clear();
        int xo = 0, yo = 0;
        for (int row = 0; row < outer; row++)
        {
            Span<T> d = destination.Slice(row * n, n);
            if (ix == 1 && iy == 1)
            {
                TOp.Invoke(x.Slice(xo, n), y.Slice(yo, n), d);
            }
            else if (ix == 1 && iy == 0)
            {
                TOp.Invoke(x.Slice(xo, n), y[yo], d);
            }
            else if (ix == 0 && iy == 1)
            {
                TOp.Invoke(x[xo], y.Slice(yo, n), d);
            }
            else if (ix == 0 && iy == 0)
            {
                TOp.Invoke(x.Slice(xo, 1), y.Slice(yo, 1), d[..1]);
                d.Fill(d[0]);
            }
            else
            {
                for (int j = 0; j < n; j++)
                {
                    TOp.Invoke(x.Slice(xo + j * ix, 1), y.Slice(yo + j * iy, 1), d.Slice(j, 1));
                }
            }

            // Advance the odometer over the outer dimensions.
            for (int dim = rank - 2; dim >= 0; dim--)
            {
                xo += sx[dim];
                yo += sy[dim];
                if (++counter[dim] < dims[dim])
                {
                    break;
                }
                xo -= sx[dim] * dims[dim];
                yo -= sy[dim] * dims[dim];
                counter[dim] = 0;
            }
        }
    }

    private readonly struct First : IBinaryOperator
    {
        public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => x.CopyTo(d);
        public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => x.CopyTo(d);
        public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => d.Fill(x);
    }
}

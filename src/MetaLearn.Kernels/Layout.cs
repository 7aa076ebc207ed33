using System.Numerics;

namespace MetaLearn.Kernels;

/// <summary>Copies that move data between row-major layouts: permutation, axis blocks, gather and scatter.</summary>
internal static class Layout
{
    /// <summary>
    /// Writes the permutation of a row-major tensor of <paramref name="shape"/>:
    /// <c>destination[j0..jr] = source[i]</c> where <c>i[perm[d]] = j[d]</c>.
    /// </summary>
    public static void Permute<T>(ReadOnlySpan<T> source, ReadOnlySpan<int> shape, ReadOnlySpan<int> perm, Span<T> destination)
        where T : unmanaged
    {
        int rank = shape.Length;
        if (rank > Broadcast.MaxRank)
        {
            throw new ArgumentException($"Permute supports at most {Broadcast.MaxRank} dimensions; got {rank}.", nameof(shape));
        }
        Span<int> srcStrides = stackalloc int[rank];
        int stride = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            srcStrides[d] = stride;
            stride *= shape[d];
        }
        Span<int> outDims = stackalloc int[rank];
        Span<int> walk = stackalloc int[rank];
        for (int d = 0; d < rank; d++)
        {
            outDims[d] = shape[perm[d]];
            walk[d] = srcStrides[perm[d]];
        }
        if (rank == 0)
        {
            destination[0] = source[0];
            return;
        }

        int n = outDims[rank - 1];
        int step = walk[rank - 1];
        int rows = n == 0 ? 0 : destination.Length / n;
        Span<int> counter = stackalloc int[rank];
        counter.Clear();
        int offset = 0;
        for (int row = 0; row < rows; row++)
        {
            Span<T> d = destination.Slice(row * n, n);
            if (step == 1)
            {
                source.Slice(offset, n).CopyTo(d);
            }
            else
            {
                for (int j = 0, s = offset; j < n; j++, s += step)
                {
                    d[j] = source[s];
                }
            }
            for (int dim = rank - 2; dim >= 0; dim--)
            {
                offset += walk[dim];
                if (++counter[dim] < outDims[dim])
                {
                    break;
                }
                offset -= walk[dim] * outDims[dim];
                counter[dim] = 0;
            }
        }
    }

    /// <summary>
    /// Copies the block <c>source[o, r, i]</c> (viewed as <c>[outer, sourceN, inner]</c>) into
    /// <c>destination[o, destinationStart + r, i]</c> (viewed as <c>[outer, destinationN, inner]</c>), for
    /// <c>r</c> in <c>[sourceStart, sourceStart + count)</c> mapped to <c>[destinationStart, destinationStart + count)</c>.
    /// Elements of <paramref name="destination"/> outside the block are left as they are.
    /// </summary>
    public static void CopyBlock<T>(
        ReadOnlySpan<T> source, int outer, int sourceN, int sourceStart,
        Span<T> destination, int destinationN, int destinationStart, int count, int inner)
        where T : unmanaged
    {
        int length = count * inner;
        for (int o = 0; o < outer; o++)
        {
            source.Slice((o * sourceN + sourceStart) * inner, length)
                .CopyTo(destination.Slice((o * destinationN + destinationStart) * inner, length));
        }
    }

    /// <summary>
    /// Effectively computes <c>destination[o, j, i] = source[o, index[o, j, i], i]</c> with source viewed as
    /// <c>[outer, n, inner]</c> and index/destination as <c>[outer, m, inner]</c>. Indices must already be in range.
    /// </summary>
    public static void Gather<T>(ReadOnlySpan<T> source, int outer, int n, int inner, ReadOnlySpan<int> index, int m, Span<T> destination)
        where T : unmanaged
    {
        if (inner == 1)
        {
            // The last dimension (max-pool's argmax gather): one offset per row, no stride arithmetic per element.
            CheckLengths(source.Length, (long)outer * n, index.Length, destination.Length, (long)outer * m);
            unsafe
            {
                ForRows(source, destination, index, outer, (long)outer * (n + m), (from, to, at, o) =>
                {
                    from += (long)o * n;
                    to += (long)o * m;
                    at += (long)o * m;
                    for (int j = 0; j < m; j++)
                    {
                        to[j] = from[at[j]];
                    }
                });
            }
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < m; j++)
            {
                int row = (o * m + j) * inner;
                for (int i = 0; i < inner; i++)
                {
                    destination[row + i] = source[(o * n + index[row + i]) * inner + i];
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Gather{T}"/>: effectively computes
    /// <c>destination[o, index[o, j, i], i] += source[o, j, i]</c>. <paramref name="destination"/> is not cleared.
    /// </summary>
    public static void ScatterAdd<T>(ReadOnlySpan<T> source, int outer, int m, int inner, ReadOnlySpan<int> index, int n, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            CheckLengths(destination.Length, (long)outer * n, index.Length, source.Length, (long)outer * m);
            unsafe
            {
                ForRows(source, destination, index, outer, (long)outer * (n + m), (from, to, at, o) =>
                {
                    from += (long)o * m;
                    to += (long)o * n;
                    at += (long)o * m;
                    for (int j = 0; j < m; j++)
                    {
                        to[at[j]] += from[j];
                    }
                });
            }
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < m; j++)
            {
                int row = (o * m + j) * inner;
                for (int i = 0; i < inner; i++)
                {
                    destination[(o * n + index[row + i]) * inner + i] += source[row + i];
                }
            }
        }
    }

    private static void CheckLengths(int full, long fullNeeded, int index, int part, long partNeeded)
    {
        if (full < fullNeeded || index < partNeeded || part < partNeeded)
        {
            throw new ArgumentException($"Layout: spans too short ({full} of {fullNeeded}, index {index} and {part} of {partNeeded}).");
        }
    }

    /// <summary>One row <c>o</c> of a last-dimension gather or scatter, on pinned memory.</summary>
    private unsafe delegate void RowAction<T>(T* source, T* destination, int* index, int o) where T : unmanaged;

    /// <summary>Pins the spans and runs <paramref name="row"/> for every row; threads take blocks of rows (rows are independent).</summary>
    private static unsafe void ForRows<T>(ReadOnlySpan<T> source, Span<T> destination, ReadOnlySpan<int> index, int outer, long elements, RowAction<T> row)
        where T : unmanaged
    {
        fixed (T* ps = source, pd = destination)
        fixed (int* pi = index)
        {
            T* sp = ps, dp = pd;
            int* ip = pi;
            KernelParallelism.ForRanges(outer, elements, (o0, o1) =>
            {
                for (int o = o0; o < o1; o++)
                {
                    row(sp, dp, ip, o);
                }
            });
        }
    }
}

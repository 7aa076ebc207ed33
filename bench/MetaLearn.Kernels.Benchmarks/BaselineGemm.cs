using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace MetaLearn.Kernels.Benchmarks;

/// <summary>
/// The baseline: MetaLearn's first GEMM (row updates through <see cref="TensorPrimitives"/>, dot products for
/// transposed B), kept verbatim so every benchmark reports the new kernel's speed-up against it in the same run.
/// </summary>
public static class BaselineGemm
{
    private const int ColumnBlock = 256;

    public static void Multiply<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Length < m * k || b.Length < k * n || c.Length < m * n)
        {
            throw new ArgumentException($"Gemm spans too short for m={m}, n={n}, k={k}: a={a.Length}, b={b.Length}, c={c.Length}.");
        }
        if (!accumulate)
        {
            c[..(m * n)].Clear();
        }
        if (m == 0 || n == 0 || k == 0)
        {
            return;
        }

        if (transposeB)
        {
            T[]? rented = null;
            ReadOnlySpan<T> rowMajorA = a;
            if (transposeA)
            {
                rented = ArrayPool<T>.Shared.Rent(m * k);
                Layout.Permute(a[..(m * k)], [k, m], [1, 0], rented.AsSpan(0, m * k));
                rowMajorA = rented.AsSpan(0, m * k);
            }
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<T> aRow = rowMajorA.Slice(i * k, k);
                Span<T> cRow = c.Slice(i * n, n);
                for (int j = 0; j < n; j++)
                {
                    cRow[j] += TensorPrimitives.Dot(aRow, b.Slice(j * k, k));
                }
            }
            if (rented is not null)
            {
                ArrayPool<T>.Shared.Return(rented);
            }
            return;
        }

        for (int j0 = 0; j0 < n; j0 += ColumnBlock)
        {
            int width = Math.Min(ColumnBlock, n - j0);
            for (int i = 0; i < m; i++)
            {
                Span<T> cRow = c.Slice(i * n + j0, width);
                for (int p = 0; p < k; p++)
                {
                    T aip = transposeA ? a[p * m + i] : a[i * k + p];
                    TensorPrimitives.MultiplyAdd(b.Slice(p * n + j0, width), aip, cRow, cRow);
                }
            }
        }
    }
}

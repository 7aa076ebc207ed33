using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MetaLearn.Kernels;

internal static partial class Gemm
{
    /// <summary>
    /// Products up to this many multiply-adds, with a depth of one slice, skip packing (<see cref="Small{T}"/>). A 40-unit
    /// MLP's products ([10 x 40] x [40 x 40]) are of this size: packed, they filled four 8 x 32 tiles (three of them edge
    /// tiles) for 39% useful work and copied both operands first.
    /// </summary>
    internal const long SmallProduct = 1 << 15;

    /// <summary>
    /// A small product without packing: blocks of 4 rows x 2 vectors (8 accumulators) read A through its strides and B's
    /// rows where they lie (a transposed B is first copied to <c>[k, n]</c>; the dispatch sends those to the tiled path,
    /// the tests run them here too). Each element is the same chain of fused
    /// multiply-adds over <c>p = 0 .. k-1</c> as in the tiled path (one depth slice, <c>k &lt;= 256</c>), stored the same way
    /// (<c>acc</c>, <c>C + acc</c> or <c>bias + acc</c>), so the bits agree with it on every rung.
    /// </summary>
    internal static unsafe void Small<T>(
        bool transposeA, bool transposeB, int m, int n, int k, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate, ReadOnlySpan<T> rowBias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* pa = a, pb = b, pc = c, pbias = rowBias)
        {
            T* rows = pb;
            if (transposeB)
            {
                // B is stored [n, k]: its transpose, [k, n], in the (otherwise unused) packing buffer.
                rows = PackBuffers<T>.B(k * n);
                for (int j = 0; j < n; j++)
                {
                    T* column = pb + (nint)j * k;
                    for (int p = 0; p < k; p++)
                    {
                        rows[(nint)p * n + j] = column[p];
                    }
                }
            }
            T* bias = rowBias.IsEmpty ? null : pbias;
            // Any rung gives the same bits; 256-bit vectors waste fewest lanes on the narrow rows of small products.
            if (Vector256.IsHardwareAccelerated)
            {
                SmallRows<Simd256<T>, Vector256<T>, T>(transposeA, m, n, k, pa, rows, pc, accumulate, bias);
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                SmallRows<Simd128<T>, Vector128<T>, T>(transposeA, m, n, k, pa, rows, pc, accumulate, bias);
            }
            else
            {
                SmallRows<SimdScalar<T>, T, T>(transposeA, m, n, k, pa, rows, pc, accumulate, bias);
            }
        }
    }

    private static unsafe void SmallRows<TS, TV, T>(bool transposeA, int m, int n, int k, T* a, T* b, T* c, bool accumulate, T* bias)
        where TS : ISimd<TV, T> where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        // A(i, p) = a[i * aRow + p * aDepth].
        nint aRow = transposeA ? 1 : k, aDepth = transposeA ? m : 1;
        int lanes = TS.Count, j = 0;
        for (; j + 2 * lanes <= n; j += 2 * lanes)
        {
            int i = 0;
            for (; i + 4 <= m; i += 4)
            {
                FourRowsTwoVectors<TS, TV, T>(a + i * aRow, aRow, aDepth, b + j, n, k, c + (nint)i * n + j, n, accumulate, bias == null ? null : bias + i);
            }
            for (; i < m; i++)
            {
                OneRow<TS, TV, T>(a + i * aRow, aDepth, b + j, n, k, c + (nint)i * n + j, accumulate, bias == null ? null : bias + i, twoVectors: true);
            }
        }
        for (; j + lanes <= n; j += lanes)
        {
            for (int i = 0; i < m; i++)
            {
                OneRow<TS, TV, T>(a + i * aRow, aDepth, b + j, n, k, c + (nint)i * n + j, accumulate, bias == null ? null : bias + i, twoVectors: false);
            }
        }
        for (; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    sum = T.FusedMultiplyAdd(a[i * aRow + p * aDepth], b[(nint)p * n + j], sum);
                }
                T* at = c + (nint)i * n + j;
                *at = accumulate ? *at + sum : bias != null ? bias[i] + sum : sum;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void FourRowsTwoVectors<TS, TV, T>(T* a, nint aRow, nint aDepth, T* b, nint ldb, int k, T* c, nint ldc, bool accumulate, T* bias)
        where TS : ISimd<TV, T> where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        TV c00 = TS.Zero, c01 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c20 = TS.Zero, c21 = TS.Zero, c30 = TS.Zero, c31 = TS.Zero;
        for (int p = 0; p < k; p++, a += aDepth, b += ldb)
        {
            TV b0 = TS.Load(b), b1 = TS.Load(b + TS.Count);
            TV x = TS.Broadcast(a[0]);
            c00 = TS.MultiplyAdd(x, b0, c00);
            c01 = TS.MultiplyAdd(x, b1, c01);
            x = TS.Broadcast(a[aRow]);
            c10 = TS.MultiplyAdd(x, b0, c10);
            c11 = TS.MultiplyAdd(x, b1, c11);
            x = TS.Broadcast(a[2 * aRow]);
            c20 = TS.MultiplyAdd(x, b0, c20);
            c21 = TS.MultiplyAdd(x, b1, c21);
            x = TS.Broadcast(a[3 * aRow]);
            c30 = TS.MultiplyAdd(x, b0, c30);
            c31 = TS.MultiplyAdd(x, b1, c31);
        }
        StoreRow<TS, TV, T>(c00, c01, c, accumulate, bias, 0);
        StoreRow<TS, TV, T>(c10, c11, c + ldc, accumulate, bias, 1);
        StoreRow<TS, TV, T>(c20, c21, c + 2 * ldc, accumulate, bias, 2);
        StoreRow<TS, TV, T>(c30, c31, c + 3 * ldc, accumulate, bias, 3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void OneRow<TS, TV, T>(T* a, nint aDepth, T* b, nint ldb, int k, T* c, bool accumulate, T* bias, bool twoVectors)
        where TS : ISimd<TV, T> where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        TV c0 = TS.Zero, c1 = TS.Zero;
        for (int p = 0; p < k; p++, a += aDepth, b += ldb)
        {
            TV x = TS.Broadcast(*a);
            c0 = TS.MultiplyAdd(x, TS.Load(b), c0);
            if (twoVectors)
            {
                c1 = TS.MultiplyAdd(x, TS.Load(b + TS.Count), c1);
            }
        }
        if (twoVectors)
        {
            StoreRow<TS, TV, T>(c0, c1, c, accumulate, bias, 0);
            return;
        }
        if (accumulate)
        {
            c0 = TS.Add(TS.Load(c), c0);
        }
        else if (bias != null)
        {
            c0 = TS.Add(TS.Broadcast(*bias), c0);
        }
        TS.Store(c0, c);
    }
}

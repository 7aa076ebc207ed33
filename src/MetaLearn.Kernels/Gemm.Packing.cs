using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MetaLearn.Kernels;

internal static partial class Gemm
{
    /// <summary>
    /// Copies the block <c>op(A)[i0 .. i0 + mc, p0 .. p0 + kc]</c> into micro-panels of <c>TileRowsOf&lt;TV&gt;()</c> rows:
    /// panel after panel, and inside a panel, for each p, the row values side by side (zero past the last row).
    /// Both storage orders of A end up in this one layout, which is what lets a single micro-kernel serve all four
    /// transpose variants.
    /// </summary>
    private static unsafe void PackA<TV, T>(bool transposeA, T* a, int m, int k, int i0, int mc, int p0, int kc, T* destination)
        where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        int tileRows = TileRowsOf<TV>();
        if (transposeA)
        {
            // A is stored [k, m]: a tile's values for one p are adjacent. Row by row of storage, so each source row
            // is one forward stream, scattering groups of 6 or 8 into the panels.
            int whole = mc / tileRows * tileRows;
            for (int p = 0; p < kc; p++)
            {
                T* source = a + (nint)(p0 + p) * m + i0;
                T* d = destination + p * tileRows;
                for (int ir = 0; ir < whole; ir += tileRows, d += tileRows * kc)
                {
                    d[0] = source[ir];
                    d[1] = source[ir + 1];
                    d[2] = source[ir + 2];
                    d[3] = source[ir + 3];
                    d[4] = source[ir + 4];
                    d[5] = source[ir + 5];
                    if (tileRows == 8)
                    {
                        d[6] = source[ir + 6];
                        d[7] = source[ir + 7];
                    }
                }
            }
            if (whole < mc)
            {
                // The ragged last panel, zero-padded.
                T* panel = destination + whole * kc;
                new Span<T>(panel, tileRows * kc).Clear();
                for (int p = 0; p < kc; p++)
                {
                    T* source = a + (nint)(p0 + p) * m + i0 + whole;
                    for (int r = 0; r < mc - whole; r++)
                    {
                        panel[p * tileRows + r] = source[r];
                    }
                }
            }
            return;
        }
        for (int ir = 0; ir < mc; ir += tileRows)
        {
            int rows = Math.Min(tileRows, mc - ir);
            if (rows == tileRows)
            {
                // A is stored [m, k]: read the tile's rows side by side, so each p writes one contiguous group;
                // four rows at a time through register transposes, the rest (and the depth tail) one by one.
                T* s0 = a + (nint)(i0 + ir) * k + p0, s1 = s0 + k, s2 = s1 + k, s3 = s2 + k, s4 = s3 + k, s5 = s4 + k;
                T* s6 = s5 + k, s7 = s6 + k;
                int done = Transpose4(s0, s1, s2, s3, kc, destination, tileRows);
                if (tileRows == 8)
                {
                    Transpose4(s4, s5, s6, s7, kc, destination + 4, tileRows);
                }
                else
                {
                    for (int p = 0; p < done; p++)
                    {
                        destination[p * tileRows + 4] = s4[p];
                        destination[p * tileRows + 5] = s5[p];
                    }
                }
                T* d = destination + done * tileRows;
                for (int p = done; p < kc; p++, d += tileRows)
                {
                    d[0] = s0[p];
                    d[1] = s1[p];
                    d[2] = s2[p];
                    d[3] = s3[p];
                    d[4] = s4[p];
                    d[5] = s5[p];
                    if (tileRows == 8)
                    {
                        d[6] = s6[p];
                        d[7] = s7[p];
                    }
                }
            }
            else
            {
                // The ragged last panel: clear it, then fill the rows that exist.
                new Span<T>(destination, tileRows * kc).Clear();
                for (int r = 0; r < rows; r++)
                {
                    T* source = a + (nint)(i0 + ir + r) * k + p0;
                    T* d = destination + r;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * tileRows] = source[p];
                    }
                }
            }
            destination += tileRows * kc;
        }
    }

    /// <summary>
    /// Copies the block <c>op(B)[p0 .. p0 + kc, j0 .. j0 + nc]</c> into micro-panels <c>2 * TS.Count</c> columns
    /// wide: panel after panel, and inside a panel, for each p, the row segment (zero past the last column).
    /// B's stored rows are <paramref name="rows"/> elements from <paramref name="b"/> when given, else evenly spaced.
    /// </summary>
    private static unsafe void PackB<TS, TV, T>(bool transposeB, T* b, nint* rows, int n, int k, int p0, int kc, int j0, int nc, T* destination)
        where TS : ISimd<TV, T> where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = 2 * TS.Count;
        if (!transposeB)
        {
            // B is stored [k, n]. Whole panels row by row: each source row is read once, front to back, so the
            // hardware prefetcher sees one stream rather than one per row (B can be megabytes, e.g. im2col columns).
            int whole = nc / width * width;
            for (int p = 0; p < kc; p++)
            {
                T* source = StoredRow(b, rows, n, p0 + p) + j0;
                T* d = destination + p * width;
                for (int jr = 0; jr < whole; jr += width, d += width * kc)
                {
                    TS.Store(TS.Load(source + jr), d);
                    TS.Store(TS.Load(source + jr + TS.Count), d + TS.Count);
                }
            }
            if (whole < nc)
            {
                // The ragged last panel, zero-padded.
                int columns = nc - whole;
                T* d = destination + whole * kc;
                for (int p = 0; p < kc; p++, d += width)
                {
                    T* source = StoredRow(b, rows, n, p0 + p) + j0 + whole;
                    int j = 0;
                    for (; j < columns; j++)
                    {
                        d[j] = source[j];
                    }
                    for (; j < width; j++)
                    {
                        d[j] = T.Zero;
                    }
                }
            }
            return;
        }
        for (int jr = 0; jr < nc; jr += width)
        {
            int columns = Math.Min(width, nc - jr);
            // B is stored [n, k]: each stored row is one column of op(B). Four rows at a time, read side by
            // side, so each p writes four adjacent slots; a ragged panel is cleared first for its zero padding.
            if (columns < width)
            {
                new Span<T>(destination, width * kc).Clear();
            }
            int j = 0;
            for (; j + 4 <= columns; j += 4)
            {
                T* s0 = StoredRow(b, rows, k, j0 + jr + j) + p0, s1 = StoredRow(b, rows, k, j0 + jr + j + 1) + p0;
                T* s2 = StoredRow(b, rows, k, j0 + jr + j + 2) + p0, s3 = StoredRow(b, rows, k, j0 + jr + j + 3) + p0;
                T* d = destination + j;
                int p = Transpose4(s0, s1, s2, s3, kc, d, width);
                for (d += p * width; p < kc; p++, d += width)
                {
                    d[0] = s0[p];
                    d[1] = s1[p];
                    d[2] = s2[p];
                    d[3] = s3[p];
                }
            }
            for (; j < columns; j++)
            {
                T* source = StoredRow(b, rows, k, j0 + jr + j) + p0;
                T* d = destination + j;
                for (int p = 0; p < kc; p++, d += width)
                {
                    *d = source[p];
                }
            }
            destination += width * kc;
        }
    }

    /// <summary>Start of stored row <paramref name="r"/> of a matrix: from the row table when there is one, else <paramref name="stride"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe T* StoredRow<T>(T* matrix, nint* rows, int stride, int r) where T : unmanaged
        => rows != null ? matrix + rows[r] : matrix + (nint)r * stride;

    /// <summary>
    /// Transposes four source rows (of A, or of B stored [n, k]), 4 depths at a time, into 4 adjacent slots of the
    /// packed rows <paramref name="width"/> apart (SSE for float, AVX for double); returns how many depths it did,
    /// leaving the rest to a scalar loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int Transpose4<T>(T* s0, T* s1, T* s2, T* s3, int kc, T* d, nint width) where T : unmanaged
    {
        int p = 0;
        if (typeof(T) == typeof(float) && Sse.IsSupported)
        {
            for (; p + 4 <= kc; p += 4, d += 4 * width)
            {
                Vector128<float> r0 = Sse.LoadVector128((float*)s0 + p), r1 = Sse.LoadVector128((float*)s1 + p);
                Vector128<float> r2 = Sse.LoadVector128((float*)s2 + p), r3 = Sse.LoadVector128((float*)s3 + p);
                Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackLow(r2, r3);
                Vector128<float> t2 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3);
                Sse.Store((float*)d, Sse.MoveLowToHigh(t0, t1));
                Sse.Store((float*)d + width, Sse.MoveHighToLow(t1, t0));
                Sse.Store((float*)d + 2 * width, Sse.MoveLowToHigh(t2, t3));
                Sse.Store((float*)d + 3 * width, Sse.MoveHighToLow(t3, t2));
            }
        }
        else if (typeof(T) == typeof(double) && Avx.IsSupported)
        {
            for (; p + 4 <= kc; p += 4, d += 4 * width)
            {
                Vector256<double> r0 = Avx.LoadVector256((double*)s0 + p), r1 = Avx.LoadVector256((double*)s1 + p);
                Vector256<double> r2 = Avx.LoadVector256((double*)s2 + p), r3 = Avx.LoadVector256((double*)s3 + p);
                Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
                Vector256<double> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
                Avx.Store((double*)d, Avx.Permute2x128(t0, t2, 0x20));
                Avx.Store((double*)d + width, Avx.Permute2x128(t1, t3, 0x20));
                Avx.Store((double*)d + 2 * width, Avx.Permute2x128(t0, t2, 0x31));
                Avx.Store((double*)d + 3 * width, Avx.Permute2x128(t1, t3, 0x31));
            }
        }
        return p;
    }

    /// <summary>Per-thread packing buffers, pinned (pointer-stable) and grown on demand, so a call allocates nothing once warm.</summary>
    private static class PackBuffers<T> where T : unmanaged
    {
        [ThreadStatic]
        private static T[]? a;

        [ThreadStatic]
        private static T[]? b;

        public static unsafe T* A(int length) => Get(ref a, length);

        public static unsafe T* B(int length) => Get(ref b, length);

        private static unsafe T* Get(ref T[]? array, int length)
        {
            // 64-byte alignment: packed rows then never straddle a cache line.
            const int Alignment = 64;
            int slack = Alignment / sizeof(T);
            if (array is null || array.Length < length + slack)
            {
                // Rounded to 4096 elements, not to a power of two: the largest block (1 MiB of B) would otherwise take 2 MiB
                // per thread. Block sizes are bounded, so a thread regrows at most a few times.
                array = GC.AllocateUninitializedArray<T>((length + slack + 4095) / 4096 * 4096, pinned: true);
            }
            nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            return (T*)((start + Alignment - 1) & ~(nint)(Alignment - 1));
        }
    }
}

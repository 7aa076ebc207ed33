using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MetaLearn.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// Copies the block <c>op(A)[i0 .. i0 + mc, p0 .. p0 + kc]</c> into micro-panels of <see cref="TileRows"/> rows:
    /// panel after panel, and inside a panel, for each p, the 6 row values side by side (zero past the last row).
    /// Both storage orders of A end up in this one layout, which is what lets a single micro-kernel serve all four
    /// transpose variants.
    /// </summary>
    private static unsafe void PackA<T>(bool transposeA, T* a, int m, int k, int i0, int mc, int p0, int kc, T* destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int ir = 0; ir < mc; ir += TileRows)
        {
            int rows = Math.Min(TileRows, mc - ir);
            if (transposeA)
            {
                // A is stored [k, m]: the 6 values for one p are adjacent in memory.
                for (int p = 0; p < kc; p++)
                {
                    T* source = a + (nint)(p0 + p) * m + i0 + ir;
                    T* d = destination + p * TileRows;
                    int r = 0;
                    for (; r < rows; r++)
                    {
                        d[r] = source[r];
                    }
                    for (; r < TileRows; r++)
                    {
                        d[r] = T.Zero;
                    }
                }
            }
            else
            {
                // A is stored [m, k]: walk each row once, writing every 6th slot.
                int r = 0;
                for (; r < rows; r++)
                {
                    T* source = a + (nint)(i0 + ir + r) * k + p0;
                    T* d = destination + r;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * TileRows] = source[p];
                    }
                }
                for (; r < TileRows; r++)
                {
                    T* d = destination + r;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * TileRows] = T.Zero;
                    }
                }
            }
            destination += TileRows * kc;
        }
    }

    /// <summary>
    /// Copies the block <c>op(B)[p0 .. p0 + kc, j0 .. j0 + nc]</c> into micro-panels <paramref name="width"/> columns
    /// wide: panel after panel, and inside a panel, for each p, the row segment (zero past the last column).
    /// </summary>
    private static unsafe void PackB<T>(bool transposeB, T* b, int n, int k, int p0, int kc, int j0, int nc, int width, T* destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int jr = 0; jr < nc; jr += width)
        {
            int columns = Math.Min(width, nc - jr);
            if (!transposeB)
            {
                // B is stored [k, n]: each packed row segment is a contiguous copy.
                for (int p = 0; p < kc; p++)
                {
                    T* source = b + (nint)(p0 + p) * n + j0 + jr;
                    T* d = destination + p * width;
                    new ReadOnlySpan<T>(source, columns).CopyTo(new Span<T>(d, columns));
                    for (int j = columns; j < width; j++)
                    {
                        d[j] = T.Zero;
                    }
                }
            }
            else
            {
                // B is stored [n, k]: walk each stored row (one column of op(B)) once, writing every width-th slot.
                int j = 0;
                for (; j < columns; j++)
                {
                    T* source = b + (nint)(j0 + jr + j) * k + p0;
                    T* d = destination + j;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * width] = source[p];
                    }
                }
                for (; j < width; j++)
                {
                    T* d = destination + j;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * width] = T.Zero;
                    }
                }
            }
            destination += width * kc;
        }
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
                array = GC.AllocateUninitializedArray<T>((int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)(length + slack)), int.MaxValue), pinned: true);
            }
            nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            return (T*)((start + Alignment - 1) & ~(nint)(Alignment - 1));
        }
    }
}

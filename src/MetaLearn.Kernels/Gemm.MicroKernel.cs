using System.Numerics;
using System.Runtime.CompilerServices;

namespace MetaLearn.Kernels;

public static partial class Gemm
{
    /// <summary>Rows of C per micro-tile: 6 rows x 2 registers = 12 accumulators, which with the 2 B registers and
    /// the A broadcast fits the 16 registers of AVX2 and leaves the FMA ports enough independent chains
    /// (FMA latency 4 x 2 ports = 8 needed).</summary>
    internal const int TileRows = 6;

    /// <summary>
    /// The micro-kernel: effectively computes the <c>[6, 2 * TS.Count]</c> tile <c>acc = sum_p a[p, :]^T b[p, :]</c> over
    /// <paramref name="kc"/> packed steps, each element by fused multiply-adds in order <c>p = 0, 1, ...</c>, then
    /// <c>c = acc</c>, or <c>c = c + acc</c> when <paramref name="add"/>. NaN and Inf propagate: nothing is skipped.
    /// </summary>
    /// <param name="kc">Depth of the packed panels.</param>
    /// <param name="a">Packed A micro-panel: for each p, 6 consecutive row values.</param>
    /// <param name="b">B micro-panel: for each p, <c>2 * TS.Count</c> consecutive column values, <paramref name="ldb"/> apart
    /// (the panel width when packed, the row stride of B when read in place).</param>
    /// <param name="ldb">Distance between consecutive p in <paramref name="b"/>.</param>
    /// <param name="c">Top-left of the C tile.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="add">Add to C instead of overwriting it.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile<TS, TV, T>(int kc, T* a, T* b, nint ldb, T* c, nint ldc, bool add)
        where TS : ISimd<TV, T> where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        TV c00 = TS.Zero, c01 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c20 = TS.Zero, c21 = TS.Zero;
        TV c30 = TS.Zero, c31 = TS.Zero, c40 = TS.Zero, c41 = TS.Zero, c50 = TS.Zero, c51 = TS.Zero;
        for (int p = 0; p < kc; p++)
        {
            TV b0 = TS.Load(b), b1 = TS.Load(b + TS.Count);
            TV x = TS.Broadcast(a[0]);
            c00 = TS.MultiplyAdd(x, b0, c00);
            c01 = TS.MultiplyAdd(x, b1, c01);
            x = TS.Broadcast(a[1]);
            c10 = TS.MultiplyAdd(x, b0, c10);
            c11 = TS.MultiplyAdd(x, b1, c11);
            x = TS.Broadcast(a[2]);
            c20 = TS.MultiplyAdd(x, b0, c20);
            c21 = TS.MultiplyAdd(x, b1, c21);
            x = TS.Broadcast(a[3]);
            c30 = TS.MultiplyAdd(x, b0, c30);
            c31 = TS.MultiplyAdd(x, b1, c31);
            x = TS.Broadcast(a[4]);
            c40 = TS.MultiplyAdd(x, b0, c40);
            c41 = TS.MultiplyAdd(x, b1, c41);
            x = TS.Broadcast(a[5]);
            c50 = TS.MultiplyAdd(x, b0, c50);
            c51 = TS.MultiplyAdd(x, b1, c51);
            a += TileRows;
            b += ldb;
        }
        StoreRow<TS, TV, T>(c00, c01, c, add);
        StoreRow<TS, TV, T>(c10, c11, c + ldc, add);
        StoreRow<TS, TV, T>(c20, c21, c + 2 * ldc, add);
        StoreRow<TS, TV, T>(c30, c31, c + 3 * ldc, add);
        StoreRow<TS, TV, T>(c40, c41, c + 4 * ldc, add);
        StoreRow<TS, TV, T>(c50, c51, c + 5 * ldc, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow<TS, TV, T>(TV v0, TV v1, T* c, bool add)
        where TS : ISimd<TV, T> where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (add)
        {
            v0 = TS.Add(TS.Load(c), v0);
            v1 = TS.Add(TS.Load(c + TS.Count), v1);
        }
        TS.Store(v0, c);
        TS.Store(v1, c + TS.Count);
    }

    /// <summary>
    /// A tile cut by the edge of C (<paramref name="rows"/> &lt; 6 or <paramref name="columns"/> &lt; 2 * TS.Count): runs
    /// the same micro-kernel into a stack tile and copies the valid part, so edge elements see exactly the operations
    /// interior ones do.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    [SkipLocalsInit] // every slot of the stack tile is written by Tile before it is read
    private static unsafe void EdgeTile<TS, TV, T>(int kc, T* a, T* b, nint ldb, T* c, nint ldc, bool add, int rows, int columns)
        where TS : ISimd<TV, T> where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = 2 * TS.Count;
        T* tile = stackalloc T[TileRows * 2 * 16];
        Tile<TS, TV, T>(kc, a, b, ldb, tile, width, add: false);
        for (int r = 0; r < rows; r++)
        {
            T* source = tile + r * width;
            T* destination = c + r * ldc;
            if (add)
            {
                for (int j = 0; j < columns; j++)
                {
                    destination[j] += source[j];
                }
            }
            else
            {
                for (int j = 0; j < columns; j++)
                {
                    destination[j] = source[j];
                }
            }
        }
    }
}

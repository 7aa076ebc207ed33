using System.Numerics;
using System.Runtime.CompilerServices;

namespace MetaLearn.Kernels;

internal static partial class Gemm
{
    /// <summary>
    /// Rows of C per micro-tile on a rung. With 32 registers (AVX-512): 8 rows x 2 registers = 16 accumulators, and
    /// 8 divides the row counts this library meets most (64 channels, 576 = 64 x 9, powers of two), so they have no
    /// ragged tiles. With 16 registers (AVX2 and below): 6 x 2 = 12 accumulators + 2 B registers + the A broadcast.
    /// Either way there are more independent FMA chains than FMA latency x ports (4 x 2 = 8).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int TileRowsOf<TV>() where TV : unmanaged => Unsafe.SizeOf<TV>() == 64 ? 8 : 6;

    /// <summary>The most rows any rung's tile has (sizes the stack tile of <see cref="EdgeTile"/>).</summary>
    internal const int MaxTileRows = 8;

    /// <summary>
    /// The micro-kernel: effectively computes the <c>[TileRowsOf&lt;TV&gt;(), 2 * TS.Count]</c> tile <c>acc = sum_p a[p, :]^T b[p, :]</c> over
    /// <paramref name="kc"/> packed steps, each element by fused multiply-adds in order <c>p = 0, 1, ...</c>, then
    /// <c>c = acc</c>, or <c>c = c + acc</c> when <paramref name="add"/>, or <c>c = bias[r] + acc</c> in row r when
    /// <paramref name="bias"/> is not null (and not <paramref name="add"/>). NaN and Inf propagate: nothing is skipped.
    /// </summary>
    /// <param name="kc">Depth of the packed panels.</param>
    /// <param name="a">Packed A micro-panel: for each p, the tile's row values side by side.</param>
    /// <param name="b">B micro-panel: for each p, <c>2 * TS.Count</c> consecutive column values, <paramref name="ldb"/> apart
    /// (the panel width when packed, the row stride of B when read in place).</param>
    /// <param name="ldb">Distance between consecutive p in <paramref name="b"/>.</param>
    /// <param name="c">Top-left of the C tile.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="add">Add to C instead of overwriting it.</param>
    /// <param name="bias">The tile rows' biases, added to the product when overwriting C; null for none.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile<TS, TV, T>(int kc, T* a, T* b, nint ldb, T* c, nint ldc, bool add, T* bias)
        where TS : ISimd<TV, T> where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The tile height is a JIT-time constant per rung, so the rows-7-and-8 code below vanishes from the 6-row rungs.
        int tileRows = TileRowsOf<TV>();
        TV c00 = TS.Zero, c01 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c20 = TS.Zero, c21 = TS.Zero;
        TV c30 = TS.Zero, c31 = TS.Zero, c40 = TS.Zero, c41 = TS.Zero, c50 = TS.Zero, c51 = TS.Zero;
        TV c60 = TS.Zero, c61 = TS.Zero, c70 = TS.Zero, c71 = TS.Zero;
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
            if (tileRows == 8)
            {
                x = TS.Broadcast(a[6]);
                c60 = TS.MultiplyAdd(x, b0, c60);
                c61 = TS.MultiplyAdd(x, b1, c61);
                x = TS.Broadcast(a[7]);
                c70 = TS.MultiplyAdd(x, b0, c70);
                c71 = TS.MultiplyAdd(x, b1, c71);
            }
            a += tileRows;
            b += ldb;
        }
        StoreRow<TS, TV, T>(c00, c01, c, add, bias, 0);
        StoreRow<TS, TV, T>(c10, c11, c + ldc, add, bias, 1);
        StoreRow<TS, TV, T>(c20, c21, c + 2 * ldc, add, bias, 2);
        StoreRow<TS, TV, T>(c30, c31, c + 3 * ldc, add, bias, 3);
        StoreRow<TS, TV, T>(c40, c41, c + 4 * ldc, add, bias, 4);
        StoreRow<TS, TV, T>(c50, c51, c + 5 * ldc, add, bias, 5);
        if (tileRows == 8)
        {
            StoreRow<TS, TV, T>(c60, c61, c + 6 * ldc, add, bias, 6);
            StoreRow<TS, TV, T>(c70, c71, c + 7 * ldc, add, bias, 7);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow<TS, TV, T>(TV v0, TV v1, T* c, bool add, T* bias, int row)
        where TS : ISimd<TV, T> where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (add)
        {
            v0 = TS.Add(TS.Load(c), v0);
            v1 = TS.Add(TS.Load(c + TS.Count), v1);
        }
        else if (bias != null)
        {
            // bias + acc: the same sum, bit for bit, as filling C with the bias and adding the product to it.
            TV b = TS.Broadcast(bias[row]);
            v0 = TS.Add(b, v0);
            v1 = TS.Add(b, v1);
        }
        TS.Store(v0, c);
        TS.Store(v1, c + TS.Count);
    }

    /// <summary>
    /// A tile cut by the edge of C (<paramref name="rows"/> below the tile height or <paramref name="columns"/> &lt; 2 * TS.Count): runs
    /// the same micro-kernel into a stack tile and copies the valid part, so edge elements see exactly the operations
    /// interior ones do.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    [SkipLocalsInit] // every slot of the stack tile is written by Tile before it is read
    private static unsafe void EdgeTile<TS, TV, T>(int kc, T* a, T* b, nint ldb, T* c, nint ldc, bool add, T* bias, int rows, int columns)
        where TS : ISimd<TV, T> where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = 2 * TS.Count;
        T* tile = stackalloc T[MaxTileRows * 2 * 16];
        Tile<TS, TV, T>(kc, a, b, ldb, tile, width, add: false, bias: null);
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
            else if (bias != null)
            {
                for (int j = 0; j < columns; j++)
                {
                    destination[j] = bias[r] + source[j];
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

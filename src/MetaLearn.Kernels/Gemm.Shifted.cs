using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MetaLearn.Kernels;

public static partial class Gemm
{
    /// <summary>The widest SIMD rung this machine runs.</summary>
    internal static SimdWidth DefaultWidth { get; } = Vector512.IsHardwareAccelerated ? SimdWidth.V512
        : Vector256.IsHardwareAccelerated ? SimdWidth.V256
        : Vector128.IsHardwareAccelerated ? SimdWidth.V128
        : SimdWidth.Scalar;

    /// <summary>
    /// Effectively computes <c>C = A op(B)</c> (or <c>C += A op(B)</c> when <paramref name="accumulate"/>; or
    /// <c>C = A op(B) + rowBias[i]</c> in row i when <paramref name="rowBias"/> is not null), like
    /// <see cref="Multiply{T}(bool, bool, int, int, int, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, bool)"/> (the same
    /// tiles and depth slices, so the same bits), for the two operand forms a convolution needs:
    /// <list type="bullet">
    /// <item>A is either packed once for many products (<paramref name="packedA"/>, e.g. the weights, used for every image),
    /// or stored at <paramref name="a"/> (<c>[m, k]</c>, or <c>[k, m]</c> when <paramref name="transposeA"/>);</item>
    /// <item>B's stored rows (<c>k</c> rows of <c>n</c>, or <c>n</c> rows of <c>k</c> when <paramref name="transposeB"/>)
    /// start <paramref name="bRows"/> elements from <paramref name="b"/>, so they may be overlapping windows of one image.</item>
    /// </list>
    /// Runs on the calling thread. The caller guarantees the sizes: nothing is validated.
    /// </summary>
    internal static unsafe void MultiplyRows<T>(
        PackedLeft<T>? packedA, bool transposeA, T* a, int m, int k,
        bool transposeB, T* b, nint* bRows, int n, T* c, bool accumulate, T* rowBias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        SimdWidth width = packedA?.Width ?? DefaultWidth;
        T* packed = packedA is null ? null : packedA.Pointer;
        int packedRows = packedA?.PaddedRows ?? 0;
        var problem = new Problem<T>(transposeA, transposeB, m, n, k, a, b, c, accumulate, rowBias, packed, packedRows, bRows);
        switch (width)
        {
            case SimdWidth.V512:
                Block<Simd512<T>, Vector512<T>, T>(problem, 0, m, 0, n);
                break;
            case SimdWidth.V256:
                Block<Simd256<T>, Vector256<T>, T>(problem, 0, m, 0, n);
                break;
            case SimdWidth.V128:
                Block<Simd128<T>, Vector128<T>, T>(problem, 0, m, 0, n);
                break;
            default:
                Block<SimdScalar<T>, T, T>(problem, 0, m, 0, n);
                break;
        }
    }

    /// <summary>The tile height of a rung (<see cref="TileRowsOf{TV}"/> without the vector type).</summary>
    internal static int TileRows(SimdWidth width) => width == SimdWidth.V512 ? 8 : 6;

    /// <summary>The depth slice the blocked product uses for depth <paramref name="k"/>: equal slices of at most <see cref="DepthBlock"/>.</summary>
    internal static int SliceDepth(int k)
    {
        int slices = (k + DepthBlock - 1) / DepthBlock;
        return (k + slices - 1) / slices;
    }

    /// <summary>
    /// A left operand packed once into the micro-panels of every depth slice, for many products with it: a convolution packs
    /// its weights once per call instead of once per image. Slice after slice; inside a slice, row panel after row panel,
    /// which is the layout <c>Block</c> reads a row block from.
    /// </summary>
    internal sealed unsafe class PackedLeft<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] private static PackedLeft<T>? t_spare;
        private T[] _buffer = [];

        private PackedLeft()
        {
        }

        public SimdWidth Width { get; private set; }

        public int M { get; private set; }

        public int K { get; private set; }

        /// <summary><see cref="M"/> rounded up to whole tiles.</summary>
        public int PaddedRows { get; private set; }

        /// <summary>The packed values, 64-byte aligned (the buffer is pinned).</summary>
        public T* Pointer { get; private set; }

        /// <summary>
        /// Packs <c>op(A)</c> (<c>[m, k]</c>; A stored <c>[k, m]</c> when <paramref name="transposeA"/>) for <paramref name="width"/>
        /// into this thread's buffer, which the next call on this thread overwrites. Other threads may read it meanwhile.
        /// </summary>
        public static PackedLeft<T> ThisThread(SimdWidth width, bool transposeA, int m, int k, ReadOnlySpan<T> a)
        {
            PackedLeft<T> packed = t_spare ??= new PackedLeft<T>();
            packed.Pack(width, transposeA, m, k, a);
            return packed;
        }

        private void Pack(SimdWidth width, bool transposeA, int m, int k, ReadOnlySpan<T> a)
        {
            int tileRows = TileRows(width);
            int paddedRows = (m + tileRows - 1) / tileRows * tileRows;
            const int Alignment = 64;
            int length = paddedRows * k + Alignment / sizeof(T);
            if (_buffer.Length < length)
            {
                _buffer = GC.AllocateUninitializedArray<T>(Math.Max(length, _buffer.Length * 2), pinned: true);
            }
            nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
            Pointer = (T*)((start + Alignment - 1) & ~(nint)(Alignment - 1));
            (Width, M, K, PaddedRows) = (width, m, k, paddedRows);
            int depth = SliceDepth(k);
            fixed (T* pa = a)
            {
                for (int pc = 0, slice = 0; pc < k; pc += depth, slice++)
                {
                    int kc = Math.Min(depth, k - pc);
                    T* destination = Pointer + (nint)slice * paddedRows * depth;
                    switch (width)
                    {
                        case SimdWidth.V512:
                            PackA<Vector512<T>, T>(transposeA, pa, m, k, 0, m, pc, kc, destination);
                            break;
                        default:
                            PackA<T, T>(transposeA, pa, m, k, 0, m, pc, kc, destination); // any 6-row rung: the layout depends only on the tile height
                            break;
                    }
                }
            }
        }
    }
}

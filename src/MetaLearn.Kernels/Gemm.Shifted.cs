using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MetaLearn.Kernels;

internal static partial class Gemm
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

    /// <summary>
    /// Effectively computes <c>C = A B</c> (or <c>C += A B</c> when <paramref name="accumulate"/>; or <c>C = A B + rowBias[i]</c>
    /// in row i when <paramref name="rowBias"/> is not null) for matrix <paramref name="index"/> of <paramref name="packedA"/>
    /// and a B its producer wrote straight into the packed layout <paramref name="right"/> at <paramref name="b"/> (so no
    /// copy of B is made): the same tiles and depth slices as
    /// <see cref="Multiply{T}(bool, bool, int, int, int, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, bool)"/>, so the same bits.
    /// Runs on the calling thread. The caller guarantees the sizes: nothing is validated.
    /// </summary>
    internal static unsafe void MultiplyPacked<T>(PackedLeft<T> packedA, int index, PackedRight right, T* b, T* c, bool accumulate, T* rowBias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var problem = new Problem<T>(false, false, packedA.M, right.N, right.K, null, b, c, accumulate, rowBias,
            packedA.Matrix(index), packedA.PaddedRows, bPacked: true);
        switch (packedA.Width)
        {
            case SimdWidth.V512:
                Block<Simd512<T>, Vector512<T>, T>(problem, 0, problem.M, 0, problem.N);
                break;
            case SimdWidth.V256:
                Block<Simd256<T>, Vector256<T>, T>(problem, 0, problem.M, 0, problem.N);
                break;
            case SimdWidth.V128:
                Block<Simd128<T>, Vector128<T>, T>(problem, 0, problem.M, 0, problem.N);
                break;
            default:
                Block<SimdScalar<T>, T, T>(problem, 0, problem.M, 0, problem.N);
                break;
        }
    }

    /// <summary>
    /// Where each element of a right operand <c>B</c> (<c>[k, n]</c>) lies in the packed form the blocked product reads: depth
    /// slice after depth slice (<see cref="SliceDepth"/>); inside a slice, panel after panel of <see cref="PanelWidth"/>
    /// columns (the last one padded to the full width), and inside a panel, for each depth, the row segment. A producer that
    /// writes B this way saves the product its copy (<see cref="MultiplyPacked{T}"/>).
    /// </summary>
    internal readonly struct PackedRight
    {
        private readonly int _slice;

        /// <summary>The layout of a <c>[k, n]</c> operand of element type <typeparamref name="T"/> for the rung <paramref name="width"/>.</summary>
        public static PackedRight Of<T>(SimdWidth width, int k, int n) where T : unmanaged =>
            new(k, n, 2 * (width switch
            {
                SimdWidth.V512 => 64,
                SimdWidth.V256 => 32,
                SimdWidth.V128 => 16,
                _ => Unsafe.SizeOf<T>(),
            } / Unsafe.SizeOf<T>()));

        /// <summary>The plain row-major <c>[k, n]</c> layout in the same terms: one panel as wide as the matrix, one slice.</summary>
        public static PackedRight RowMajor(int k, int n) => new(k, n, n, k);

        private PackedRight(int k, int n, int panelWidth, int slice = 0)
        {
            (K, N, PanelWidth) = (k, n, panelWidth);
            _slice = slice > 0 ? slice : SliceDepth(k);
            PaddedColumns = (n + panelWidth - 1) / panelWidth * panelWidth;
        }

        public int K { get; }

        public int N { get; }

        /// <summary>Columns per panel: a multiple of every SIMD vector the producers store.</summary>
        public int PanelWidth { get; }

        /// <summary><see cref="N"/> rounded up to whole panels.</summary>
        public int PaddedColumns { get; }

        /// <summary>Elements of the whole packed matrix.</summary>
        public int Length => K * PaddedColumns;

        /// <summary>Offset of element <c>(p, 0)</c>; column j is at <c>Row(p) + (j / PanelWidth) * PanelStride(p) + j % PanelWidth</c>.</summary>
        public nint Row(int p) => (nint)(p / _slice) * _slice * PaddedColumns + (nint)(p % _slice) * PanelWidth;

        /// <summary>Distance between consecutive panels of row <paramref name="p"/>: the depth of its slice times the panel width.</summary>
        public nint PanelStride(int p) => (nint)Math.Min(_slice, K - p / _slice * _slice) * PanelWidth;

        /// <summary>
        /// Zeroes the padding of the last panel of every row of the matrix at <paramref name="b"/>, which a producer never writes:
        /// the product computes those columns too (and drops them), so they must not hold NaN or subnormal garbage.
        /// </summary>
        public unsafe void ClearPadding<T>(T* b) where T : unmanaged
        {
            int used = N - (PaddedColumns - PanelWidth);
            for (int p = 0; used < PanelWidth && p < K; p++)
            {
                new Span<T>(b + Row(p) + (PaddedColumns / PanelWidth - 1) * PanelStride(p) + used, PanelWidth - used).Clear();
            }
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

        /// <summary>The packed matrix <paramref name="index"/> of those packed together.</summary>
        public T* Matrix(int index) => Pointer + (nint)index * PaddedRows * K;

        /// <summary>
        /// Packs <c>op(A)</c> (<c>[m, k]</c>; A stored <c>[k, m]</c> when <paramref name="transposeA"/>) for <paramref name="width"/>
        /// into this thread's buffer, which the next call on this thread overwrites. Other threads may read it meanwhile.
        /// With <paramref name="count"/>, <paramref name="a"/> holds that many such matrices one after another, each packed
        /// (<see cref="Matrix"/>).
        /// </summary>
        public static PackedLeft<T> ThisThread(SimdWidth width, bool transposeA, int m, int k, ReadOnlySpan<T> a, int count = 1)
        {
            PackedLeft<T> packed = t_spare ??= new PackedLeft<T>();
            packed.Pack(width, transposeA, m, k, a, count);
            return packed;
        }

        private void Pack(SimdWidth width, bool transposeA, int m, int k, ReadOnlySpan<T> a, int count)
        {
            int tileRows = TileRows(width);
            int paddedRows = (m + tileRows - 1) / tileRows * tileRows;
            const int Alignment = 64;
            if (a.Length < (long)count * m * k)
            {
                throw new ArgumentException("PackedLeft: the matrices are shorter than count x m x k.");
            }
            int length = count * paddedRows * k + Alignment / sizeof(T);
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
                for (int i = 0; i < count; i++)
                {
                    T* matrix = pa + (nint)i * m * k;
                    for (int pc = 0, slice = 0; pc < k; pc += depth, slice++)
                    {
                        int kc = Math.Min(depth, k - pc);
                        T* destination = Matrix(i) + (nint)slice * paddedRows * depth;
                        switch (width)
                        {
                            case SimdWidth.V512:
                                PackA<Vector512<T>, T>(transposeA, matrix, m, k, 0, m, pc, kc, destination);
                                break;
                            default:
                                PackA<T, T>(transposeA, matrix, m, k, 0, m, pc, kc, destination); // any 6-row rung: the layout depends only on the tile height
                                break;
                        }
                    }
                }
            }
        }
    }
}

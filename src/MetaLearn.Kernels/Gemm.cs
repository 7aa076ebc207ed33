using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MetaLearn.Kernels;

/// <summary>Dense row-major matrix products.</summary>
/// <remarks>
/// The structure is GotoBLAS/BLIS (Goto and van de Geijn, "Anatomy of High-Performance Matrix Multiplication",
/// ACM TOMS 2008; Van Zee and van de Geijn, "BLIS", ACM TOMS 2015): C is cut into column blocks (B block kept in
/// L2/L3), the depth into slices of <see cref="DepthBlock"/> (a packed B micro-panel stays in L1) and the rows into
/// blocks (packed A block stays in L2); A and B are copied into contiguous micro-panels so that one register-blocked
/// micro-kernel (8 or 6 rows x two SIMD registers of FMAs) serves all four transpose variants.
/// </remarks>
internal static partial class Gemm
{
    /// <summary>Depth slice: a packed B micro-panel (256 x 32 floats or 256 x 16 doubles = 32 KiB) stays in L1.</summary>
    internal const int DepthBlock = 256;

    /// <summary>Rows per packed A block (a multiple of both tile heights, 6 and 8): 240 x 256 floats = 240 KiB stays in L2.</summary>
    internal const int RowBlock = 240;

    /// <summary>Bytes of one packed B block (depth slice x column block), sized to sit in L2 next to the A block.</summary>
    private const int ColumnBlockBytes = 1 << 20;

    /// <summary>Products with fewer multiply-adds than this run on one thread: below it, waking a second thread costs
    /// more than it saves.</summary>
    internal const long ParallelThreshold = 1L << 21;

    /// <summary>Products up to this many multiply-adds take the plain triple loop (see <see cref="Tiny{T}"/>).</summary>
    internal const long TinyProduct = 128;

    /// <summary>Row blocks up to this many rows read a non-transposed B in place: each B panel is used by at most 4
    /// tiles, too few to repay copying it.</summary>
    private const int InPlaceRows = 24;

    /// <summary>
    /// Effectively computes <c>C = op(A) op(B)</c> (or <c>C += op(A) op(B)</c> when <paramref name="accumulate"/>),
    /// where <c>op(A)</c> is <c>[m, k]</c> and <c>op(B)</c> is <c>[k, n]</c>, all row-major; <c>A</c> is stored <c>[k, m]</c>
    /// when <paramref name="transposeA"/> and <c>B</c> is stored <c>[n, k]</c> when <paramref name="transposeB"/>.
    /// NaN and Inf propagate as in a naive triple loop (no zero skipping).
    /// Each element is summed over <c>p</c> in order by fused multiply-adds, in equal depth slices of at most 256 whose
    /// sums are added to <c>C</c> one after another, so the result does not depend on the SIMD width or on the number
    /// of threads (at most <see cref="KernelParallelism.MaxThreads"/>, and more than one only for products of 2^21
    /// multiply-adds or more). The one exception to that summation order: when <c>m = 1</c> with <c>B</c> stored
    /// <c>[n, k]</c>, or <c>n = 1</c> with <c>A</c> stored <c>[m, k]</c>, each element is a contiguous dot product
    /// (deterministic, but summed in another order).
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative or a span is shorter than its matrix.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither <see cref="float"/> nor <see cref="double"/>.</exception>
    public static void Multiply<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T> => Multiply(transposeA, transposeB, m, n, k, a, b, c, accumulate, default);

    private static void Multiply<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate, ReadOnlySpan<T> rowBias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m < 0 || n < 0 || k < 0 || a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
        {
            throw new ArgumentException(
                $"Gemm: spans too short or sizes negative for m={m}, n={n}, k={k}: a={a.Length} (needs m*k), b={b.Length} (needs k*n), c={c.Length} (needs m*n).");
        }
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"Gemm: element type {typeof(T).Name} is not supported; use float or double.");
        }
        int threads = (long)m * n * k >= ParallelThreshold ? KernelParallelism.MaxThreads : 1;
        SimdWidth width = Vector512.IsHardwareAccelerated ? SimdWidth.V512
            : Vector256.IsHardwareAccelerated ? SimdWidth.V256
            : Vector128.IsHardwareAccelerated ? SimdWidth.V128
            : SimdWidth.Scalar;
        Multiply(width, threads, transposeA, transposeB, m, n, k, a, b, c, accumulate, rowBias);
    }

    /// <summary>
    /// Effectively computes <c>C = op(A) op(B) + rowBias[i]</c> in every row <c>i</c> (a convolution's per-channel bias):
    /// the bias enters the product's first store instead of a separate pass over C, with the same bits as filling the
    /// rows of C with their bias and calling <see cref="Multiply{T}(bool, bool, int, int, int, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, bool)"/>
    /// with <c>accumulate</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative or a span is shorter than its matrix or <paramref name="m"/>.</exception>
    public static void MultiplyRowBias<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> rowBias, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rowBias.Length < m)
        {
            throw new ArgumentException($"Gemm: the row bias has {rowBias.Length} values for {m} rows.");
        }
        Multiply(transposeA, transposeB, m, n, k, a, b, c, accumulate: false, rowBias[..m]);
    }

    /// <summary>A rung of the SIMD ladder; tests force each one.</summary>
    internal enum SimdWidth
    {
        Scalar,
        V128,
        V256,
        V512,
    }

    /// <summary><see cref="Multiply{T}(bool, bool, int, int, int, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, bool)"/>
    /// on a chosen rung and thread count, after validation; <c>rowBias</c> is empty, or (without <c>accumulate</c>) a
    /// value per row of C added to the product: in the tiled path's first store, elsewhere by filling C first.</summary>
    internal static unsafe void Multiply<T>(
        SimdWidth width, int threads, bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate, ReadOnlySpan<T> rowBias = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0)
        {
            return;
        }
        if (!rowBias.IsEmpty && (k == 0 || m == 1 || n == 1 || (long)m * n * k <= TinyProduct))
        {
            // Paths without the tiled store: fill, then accumulate (the same bits as the fused store).
            for (int i = 0; i < m; i++)
            {
                c.Slice(i * n, n).Fill(rowBias[i]);
            }
            accumulate = true;
            rowBias = default;
        }
        if (k == 0)
        {
            if (!accumulate)
            {
                c[..(m * n)].Clear();
            }
            return;
        }
        if ((long)m * n * k <= TinyProduct)
        {
            Tiny(transposeA, transposeB, m, n, k, a, b, c, accumulate);
            return;
        }
        if (n == 1 && m > 1)
        {
            // C [m, 1] and C^T [1, m] are the same memory, and C^T = op(B)^T op(A)^T is a row-vector product,
            // which the m = 1 path serves without padding a 1-column tile out to a whole register pair.
            Multiply(width, threads, !transposeB, !transposeA, 1, m, k, b, a, c, accumulate);
            return;
        }
        if (m == 1)
        {
            RowVector(transposeB, n, k, a, b, c, accumulate);
            return;
        }
        if ((long)m * n * k <= SmallProduct && k <= DepthBlock && !transposeB)
        {
            // (A transposed B would be copied to [k, n] first, which costs more than the packing it saves: 1.9 against 1.1 us
            // for [10 x 40] x [40 x 40]^T.)
            Small(transposeA, transposeB, m, n, k, a, b, c, accumulate, rowBias);
            return;
        }
        Tiled(width, threads, transposeA, transposeB, m, n, k, a, b, c, accumulate, rowBias);
    }

    /// <summary>The packed, blocked path (kept out of line so the small-size dispatch above stays a few instructions).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static unsafe void Tiled<T>(
        SimdWidth width, int threads, bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate, ReadOnlySpan<T> rowBias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* pa = a, pb = b, pc = c, pbias = rowBias)
        {
            var problem = new Problem<T>(transposeA, transposeB, m, n, k, pa, pb, pc, accumulate, rowBias.IsEmpty ? null : pbias);
            switch (width)
            {
                case SimdWidth.V512:
                    Run<Simd512<T>, Vector512<T>, T>(problem, threads);
                    break;
                case SimdWidth.V256:
                    Run<Simd256<T>, Vector256<T>, T>(problem, threads);
                    break;
                case SimdWidth.V128:
                    Run<Simd128<T>, Vector128<T>, T>(problem, threads);
                    break;
                default:
                    Run<SimdScalar<T>, T, T>(problem, threads);
                    break;
            }
        }
    }

    /// <summary>
    /// Products of at most <see cref="TinyProduct"/> multiply-adds: a plain triple loop, since packing would cost more than
    /// the arithmetic. Each element is the same chain of fused multiply-adds as in the tiled path (k is below one depth
    /// slice here), so the bits agree with it.
    /// </summary>
    private static void Tiny<T>(bool transposeA, bool transposeB, int m, int n, int k, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Element strides: A(i, p) = a[i * aRow + p * aDepth], B(p, j) = b[p * bDepth + j * bColumn].
        (int aRow, int aDepth) = transposeA ? (1, m) : (k, 1);
        (int bDepth, int bColumn) = transposeB ? (1, k) : (n, 1);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    sum = T.FusedMultiplyAdd(a[i * aRow + p * aDepth], b[p * bDepth + j * bColumn], sum);
                }
                c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
            }
        }
    }

    /// <summary>
    /// <c>m = 1</c>: with B stored <c>[k, n]</c>, row updates <c>acc += a[p] * B[p, :]</c> by fused multiply-adds in the same
    /// depth slices as the tiled path (so the bits equal those of a row of a larger product); with B stored
    /// <c>[n, k]</c>, one contiguous dot product per element.
    /// </summary>
    private static unsafe void RowVector<T>(bool transposeB, int n, int k, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        a = a[..k];
        c = c[..n];
        if (transposeB)
        {
            for (int j = 0; j < n; j++)
            {
                T dot = TensorPrimitives.Dot(a, b.Slice(j * k, k));
                c[j] = accumulate ? c[j] + dot : dot;
            }
            return;
        }
        int slices = (k + DepthBlock - 1) / DepthBlock;
        int depth = (k + slices - 1) / slices;
        var sum = new Span<T>(PackBuffers<T>.B(n), n);
        for (int pc = 0; pc < k; pc += depth)
        {
            int kc = Math.Min(depth, k - pc);
            bool add = accumulate || pc > 0;
            Span<T> target = add ? sum : c;
            target.Clear();
            for (int p = pc; p < pc + kc; p++)
            {
                TensorPrimitives.FusedMultiplyAdd(b.Slice(p * n, n), a[p], target, target);
            }
            if (add)
            {
                TensorPrimitives.Add(c, sum, c);
            }
        }
    }

    /// <summary>One validated product, with its operands pinned for the duration of the call.</summary>
    private readonly unsafe struct Problem<T>(
        bool transposeA, bool transposeB, int m, int n, int k, T* a, T* b, T* c, bool accumulate, T* rowBias,
        T* packedA = null, int packedRows = 0, nint* bRows = null, bool bPacked = false)
        where T : unmanaged
    {
        public readonly bool TransposeA = transposeA, TransposeB = transposeB, Accumulate = accumulate;
        public readonly int M = m, N = n, K = k;
        public readonly T* A = a, B = b, C = c;

        /// <summary>Per-row values added to the product (<c>[m]</c>), or null.</summary>
        public readonly T* RowBias = rowBias;

        /// <summary>A already packed for every depth slice (<see cref="PackedLeft{T}"/>), or null to pack it block by block.</summary>
        public readonly T* PackedA = packedA;

        /// <summary>Rows of <see cref="PackedA"/>: <c>M</c> rounded up to whole tiles.</summary>
        public readonly int PackedRows = packedRows;

        /// <summary>
        /// Element offsets of B's stored rows from <see cref="B"/> (<c>k</c> of them, or <c>n</c> when B is stored transposed), or
        /// null for rows <c>n</c> (or <c>k</c>) apart. A convolution points them at shifted windows of one padded image.
        /// </summary>
        public readonly nint* BRows = bRows;

        /// <summary>B is already in the packed layout of every depth slice (<see cref="PackedRight"/>).</summary>
        public readonly bool BPacked = bPacked;
    }

    private static unsafe void Run<TS, TV, T>(Problem<T> problem, int threads)
        where TS : ISimd<TV, T> where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = 2 * TS.Count, tileRows = TileRowsOf<TV>();
        int rowTiles = (problem.M + tileRows - 1) / tileRows, columnTiles = (problem.N + width - 1) / width;
        // Split C into disjoint slabs of whole tiles along the dimension with more of them; every element is still
        // computed by one thread through the same depth slices, so the split cannot change a bit of the result.
        bool splitColumns = columnTiles >= rowTiles;
        int parts = Math.Min(threads, splitColumns ? columnTiles : rowTiles);
        if (parts <= 1)
        {
            Block<TS, TV, T>(problem, 0, problem.M, 0, problem.N);
            return;
        }
        RunParallel<TS, TV, T>(problem, parts, splitColumns, splitColumns ? columnTiles : rowTiles);
    }

    /// <summary>Runs <paramref name="parts"/> slabs of <paramref name="tiles"/> whole tiles on the thread pool (its own
    /// method so that the closure is allocated only for products big enough to split).</summary>
    private static unsafe void RunParallel<TS, TV, T>(Problem<T> problem, int parts, bool splitColumns, int tiles)
        where TS : ISimd<TV, T> where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = 2 * TS.Count, tileRows = TileRowsOf<TV>();
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            int first = (int)((long)tiles * part / parts), last = (int)((long)tiles * (part + 1) / parts);
            if (splitColumns)
            {
                Block<TS, TV, T>(problem, 0, problem.M, first * width, Math.Min(problem.N, last * width));
            }
            else
            {
                Block<TS, TV, T>(problem, first * tileRows, Math.Min(problem.M, last * tileRows), 0, problem.N);
            }
        });
    }

    /// <summary>The five GotoBLAS loops over <c>C[rowStart .. rowEnd, columnStart .. columnEnd]</c>.</summary>
    private static unsafe void Block<TS, TV, T>(Problem<T> problem, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where TS : ISimd<TV, T> where TV : unmanaged where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = 2 * TS.Count;
        int m = problem.M, n = problem.N, k = problem.K;
        // Equal depth slices (257 -> 129 + 128, not 256 + 1), fixed by k alone so that thread splits cannot move them.
        int slices = (k + DepthBlock - 1) / DepthBlock;
        int depth = (k + slices - 1) / slices;
        int columnBlock = Math.Max(width, ColumnBlockBytes / (DepthBlock * sizeof(T)) / width * width);
        int rows = rowEnd - rowStart, columns = columnEnd - columnStart;
        int tileRows = TileRowsOf<TV>();
        int rowBlockAlloc = Math.Min(RowBlock, (rows + tileRows - 1) / tileRows * tileRows);
        int columnBlockAlloc = Math.Min(columnBlock, (columns + width - 1) / width * width);
        T* packedA = problem.PackedA != null ? null : PackBuffers<T>.A(rowBlockAlloc * depth);
        bool prePacked = problem.BPacked;
        T* packedB = prePacked ? null : PackBuffers<T>.B(columnBlockAlloc * depth);
        bool packB = !prePacked && (problem.TransposeB || rows > InPlaceRows || problem.BRows != null);
        nint paddedColumns = (n + width - 1) / width * width;
        nint ldc = n;

        for (int jc = columnStart; jc < columnEnd; jc += columnBlock)
        {
            int nc = Math.Min(columnBlock, columnEnd - jc);
            int wholeColumns = nc / width * width;
            for (int pc = 0; pc < k; pc += depth)
            {
                int kc = Math.Min(depth, k - pc);
                bool add = problem.Accumulate || pc > 0;
                T* bias = add ? null : problem.RowBias;
                if (packB)
                {
                    PackB<TS, TV, T>(problem.TransposeB, problem.B, problem.BRows, n, k, pc, kc, jc, nc, packedB);
                }
                else if (!prePacked && wholeColumns < nc)
                {
                    // Only the ragged last panel is copied (and zero-padded); whole panels are read where they lie.
                    PackB<TS, TV, T>(false, problem.B, null, n, k, pc, kc, jc + wholeColumns, nc - wholeColumns, packedB);
                }
                for (int ic = rowStart; ic < rowEnd; ic += RowBlock)
                {
                    int mc = Math.Min(RowBlock, rowEnd - ic);
                    T* blockA;
                    if (problem.PackedA != null)
                    {
                        // Slice s of a pre-packed A starts after s whole slices; its row panels are contiguous.
                        blockA = problem.PackedA + (nint)(pc / depth) * problem.PackedRows * depth + (nint)ic * kc;
                    }
                    else
                    {
                        PackA<TV, T>(problem.TransposeA, problem.A, m, k, ic, mc, pc, kc, packedA);
                        blockA = packedA;
                    }
                    for (int jr = 0; jr < nc; jr += width)
                    {
                        int tileColumns = Math.Min(width, nc - jr);
                        T* panelB;
                        nint ldb;
                        if (prePacked)
                        {
                            panelB = problem.B + pc * paddedColumns + (nint)(jc + jr) * kc;
                            ldb = width;
                        }
                        else if (packB)
                        {
                            panelB = packedB + jr * kc;
                            ldb = width;
                        }
                        else if (tileColumns == width)
                        {
                            panelB = problem.B + (nint)pc * n + jc + jr;
                            ldb = n;
                        }
                        else
                        {
                            panelB = packedB;
                            ldb = width;
                        }
                        T* cColumn = problem.C + jc + jr;
                        for (int ir = 0; ir < mc; ir += tileRows)
                        {
                            int rowsHere = Math.Min(tileRows, mc - ir);
                            T* panelA = blockA + ir * kc;
                            T* cTile = cColumn + (ic + ir) * ldc;
                            if (rowsHere == tileRows && tileColumns == width)
                            {
                                Tile<TS, TV, T>(kc, panelA, panelB, ldb, cTile, ldc, add, bias == null ? null : bias + ic + ir);
                            }
                            else
                            {
                                EdgeTile<TS, TV, T>(kc, panelA, panelB, ldb, cTile, ldc, add, bias == null ? null : bias + ic + ir, rowsHere, tileColumns);
                            }
                        }
                    }
                }
            }
        }
    }
}

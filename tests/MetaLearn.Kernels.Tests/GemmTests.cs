using System.Numerics;
using Width = MetaLearn.Kernels.Gemm.SimdWidth;

namespace MetaLearn.Kernels.Tests;

public class GemmTests
{
    // Edges of the blocking: tile rows 6 or 8 (+-1, and two tiles +-1), tile columns 2 registers = 4/8/16/32 lanes (+-1), row block 240,
    // depth slice 256 (257 -> two slices, 513 -> three), column block 512 doubles / 1024 floats at 512 bits.
    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 0, 3, 4 }, { 3, 0, 4 }, { 3, 4, 0 }, { 1, 1, 1 }, { 25, 40, 1 }, { 1, 40, 10 }, { 10, 1, 40 },
        { 3, 5, 7 }, { 5, 7, 6 }, { 6, 8, 5 }, { 7, 9, 11 }, { 11, 15, 13 }, { 12, 16, 17 }, { 13, 17, 2 },
        { 17, 31, 9 }, { 15, 8, 9 }, { 16, 33, 30 }, { 6, 32, 3 }, { 19, 33, 8 }, { 4, 257, 3 }, { 40, 40, 40 }, { 2, 300, 65 },
        { 239, 7, 5 }, { 240, 9, 4 }, { 241, 33, 3 }, { 8, 12, 255 }, { 9, 13, 256 }, { 7, 17, 257 }, { 5, 3, 513 },
        { 3, 513, 2 }, { 2, 1025, 3 }, { 20, 70, 600 }, { 300, 257, 65 },
    };

    private static readonly Width[] Widths = [Width.Scalar, Width.V128, Width.V256, Width.V512];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void DoubleMatchesATripleLoopOnEveryRungAndTransposeVariant(int m, int n, int k) => CheckAllVariants<double>(m, n, k, 1e-14);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FloatMatchesATripleLoopOnEveryRungAndTransposeVariant(int m, int n, int k) => CheckAllVariants<float>(m, n, k, 1e-6);

    private static void CheckAllVariants<T>(int m, int n, int k, double relative) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(m * 1_000_000 + n * 1000 + k);
        T[] a = Random<T>(rng, m * k), b = Random<T>(rng, k * n), start = Random<T>(rng, m * n);
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                (double[] expected, double[] bound) = Reference(ta, tb, m, n, k, a, b);
                foreach (bool accumulate in new[] { false, true })
                {
                    foreach (Width width in Widths)
                    {
                        T[] c = (T[])start.Clone();
                        Gemm.Multiply(width, 1, ta, tb, m, n, k, a, b, c, accumulate);
                        for (int i = 0; i < m * n; i++)
                        {
                            double want = expected[i] + (accumulate ? double.CreateChecked(start[i]) : 0);
                            double got = double.CreateChecked(c[i]);
                            double tolerance = relative * (k + 2) * (bound[i] + Math.Abs(want) + 1e-30);
                            Assert.True(Math.Abs(got - want) <= tolerance,
                                $"{typeof(T).Name} {width} ta={ta} tb={tb} acc={accumulate} m={m} n={n} k={k} C[{i / n},{i % n}]: {got} vs {want}");
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(50, 70, 300)]
    [InlineData(241, 35, 257)]
    [InlineData(13, 1100, 20)]
    [InlineData(64, 100, 576)]
    public void EveryRungAndThreadCountGivesBitIdenticalResults(int m, int n, int k)
    {
        var rng = new Random(7);
        float[] a = Random<float>(rng, m * k), b = Random<float>(rng, k * n), start = Random<float>(rng, m * n);
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                float[]? first = null;
                foreach (Width width in Widths)
                {
                    foreach (int threads in new[] { 1, 2, 3 })
                    {
                        float[] c = (float[])start.Clone();
                        Gemm.Multiply(width, threads, ta, tb, m, n, k, a, b, c, accumulate: true);
                        first ??= c;
                        Assert.True(first.AsSpan().SequenceEqual(c), $"{width} threads={threads} ta={ta} tb={tb} differs");
                    }
                }
            }
        }
    }

    /// <summary>
    /// Small products skip packing (<c>Gemm.Small</c>); they must give the tiled path's bits on every shape class: four-row
    /// blocks and single rows, two-vector and one-vector column blocks, a scalar column tail, all transpose variants,
    /// overwrite, accumulate and row bias, float and double.
    /// </summary>
    [Theory]
    [InlineData(10, 40, 40)]  // an MLP hidden layer
    [InlineData(40, 40, 10)]  // its weight gradient
    [InlineData(25, 40, 1)]   // its input layer
    [InlineData(7, 35, 19)]   // ragged everything
    [InlineData(3, 5, 256)]   // the deepest single slice, narrower than a vector
    public void SmallProductsGiveTheBitsOfTheTiledPath(int m, int n, int k)
    {
        Assert.True((long)m * n * k <= Gemm.SmallProduct);
        Check<float>();
        Check<double>();

        void Check<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var rng = new Random(21);
            T[] a = Random<T>(rng, m * k), b = Random<T>(rng, k * n), start = Random<T>(rng, m * n), bias = Random<T>(rng, m);
            foreach (bool ta in new[] { false, true })
            {
                foreach (bool tb in new[] { false, true })
                {
                    foreach ((bool accumulate, bool withBias) in new[] { (false, false), (true, false), (false, true) })
                    {
                        T[] tiled = (T[])start.Clone(), small = (T[])start.Clone();
                        ReadOnlySpan<T> rowBias = withBias ? bias : default;
                        Gemm.Tiled<T>(Width.V512, 1, ta, tb, m, n, k, a, b, tiled, accumulate, rowBias);
                        Gemm.Small<T>(ta, tb, m, n, k, a, b, small, accumulate, rowBias);
                        Assert.True(tiled.AsSpan().SequenceEqual(small), $"{typeof(T).Name} ta={ta} tb={tb} accumulate={accumulate} bias={withBias} differs");
                    }
                }
            }
        }
    }

    /// <summary>
    /// The convolution entry: A packed once (or packed block by block), B's rows at arbitrary places reached through a row
    /// table. On every rung, transpose variant and store mode, the bits must equal the plain product's.
    /// </summary>
    [Theory]
    [InlineData(64, 224, 576)]  // the 14x14 convolution grid: three depth slices, whole tiles
    [InlineData(13, 35, 300)]   // ragged tiles both ways, two depth slices
    [InlineData(250, 40, 20)]   // two row blocks of the packed A
    public unsafe void PrepackedAAndRowTableBGiveTheBitsOfThePlainProduct(int m, int n, int k)
    {
        var rng = new Random(9);
        float[] a = Random<float>(rng, m * k), b = Random<float>(rng, k * n), start = Random<float>(rng, m * n), bias = Random<float>(rng, m);
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                // B's stored rows, scattered in reverse order with gaps, and the table that finds them.
                int storedRows = tb ? n : k, rowLength = tb ? k : n, gap = 3;
                float[] scattered = [.. Enumerable.Repeat(float.NaN, storedRows * (rowLength + gap))];
                var rows = new nint[storedRows];
                for (int r = 0; r < storedRows; r++)
                {
                    rows[r] = (nint)(storedRows - 1 - r) * (rowLength + gap);
                    b.AsSpan(r * rowLength, rowLength).CopyTo(scattered.AsSpan((int)rows[r], rowLength));
                }
                foreach (Width width in Widths)
                {
                    foreach (bool accumulate in new[] { true, false })
                    {
                        float[] expected = (float[])start.Clone();
                        Gemm.Multiply<float>(width, 1, ta, tb, m, n, k, a, b, expected, accumulate, accumulate ? default : bias);
                        var packed = Gemm.PackedLeft<float>.ThisThread(width, ta, m, k, a);
                        foreach (bool prepacked in new[] { true, false })
                        {
                            float[] c = (float[])start.Clone();
                            fixed (float* pa = a, pb = scattered, pc = c, pbias = bias)
                            fixed (nint* pr = rows)
                            {
                                if (width == Gemm.DefaultWidth || prepacked)
                                {
                                    Gemm.MultiplyRows(prepacked ? packed : null, ta, pa, m, k, tb, pb, pr, n, pc, accumulate, accumulate ? null : pbias);
                                }
                                else
                                {
                                    continue; // without a packed A the entry runs the machine's own rung
                                }
                            }
                            Assert.True(expected.AsSpan().SequenceEqual(c), $"{width} ta={ta} tb={tb} accumulate={accumulate} prepacked={prepacked} differs");
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// A B written straight into the packed layout (its padding full of NaN, which no stored element may see) and the
    /// second of three A matrices packed together: on every rung and store mode, the bits of the plain product.
    /// </summary>
    [Theory]
    [InlineData(64, 392, 64)]  // a Winograd product: a ragged last panel
    [InlineData(13, 35, 300)]  // ragged tiles both ways, two depth slices
    [InlineData(250, 40, 20)]  // two row blocks of the packed A
    public unsafe void BWrittenInThePackedLayoutGivesTheBitsOfThePlainProduct(int m, int n, int k)
    {
        var rng = new Random(11);
        float[] a = Random<float>(rng, 3 * m * k), b = Random<float>(rng, k * n), start = Random<float>(rng, m * n), bias = Random<float>(rng, m);
        foreach (Width width in Widths)
        {
            var layout = Gemm.PackedRight.Of<float>(width, k, n);
            float[] packedB = [.. Enumerable.Repeat(float.NaN, layout.Length)];
            for (int p = 0; p < k; p++)
            {
                for (int j = 0; j < n; j++)
                {
                    packedB[layout.Row(p) + j / layout.PanelWidth * layout.PanelStride(p) + j % layout.PanelWidth] = b[p * n + j];
                }
            }
            Assert.Equal(k * n, packedB.Count(x => !float.IsNaN(x)));
            var packedA = Gemm.PackedLeft<float>.ThisThread(width, false, m, k, a, count: 3);
            foreach (bool accumulate in new[] { true, false })
            {
                float[] expected = (float[])start.Clone();
                Gemm.Multiply<float>(width, 1, false, false, m, n, k, a.AsSpan(m * k, m * k), b, expected, accumulate, accumulate ? default : bias);
                float[] c = (float[])start.Clone();
                fixed (float* pb = packedB, pc = c, pbias = bias)
                {
                    Gemm.MultiplyPacked(packedA, 1, layout, pb, pc, accumulate, accumulate ? null : pbias);
                }
                Assert.True(expected.AsSpan().SequenceEqual(c), $"{width} accumulate={accumulate} differs");
            }
        }
    }

    [Theory]
    [InlineData(64, 392)] // 8 of the last 32 columns used
    [InlineData(300, 35)] // two depth slices
    [InlineData(20, 64)]  // whole panels: nothing to clear
    public unsafe void ClearPaddingZeroesExactlyTheColumnsPastTheMatrix(int k, int n)
    {
        var layout = Gemm.PackedRight.Of<float>(Width.V512, k, n);
        float[] packed = [.. Enumerable.Repeat(float.NaN, layout.Length)];
        var used = new bool[layout.Length];
        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < n; j++)
            {
                used[layout.Row(p) + j / layout.PanelWidth * layout.PanelStride(p) + j % layout.PanelWidth] = true;
            }
        }
        fixed (float* pb = packed)
        {
            layout.ClearPadding(pb);
        }
        for (int i = 0; i < layout.Length; i++)
        {
            Assert.True(used[i] ? float.IsNaN(packed[i]) : packed[i] == 0f, $"element {i} (used: {used[i]}) is {packed[i]}");
        }
    }

    [Fact]
    public void TheRowMajorLayoutIsThePlainMatrix()
    {
        var layout = Gemm.PackedRight.RowMajor(300, 35);
        for (int p = 0; p < 300; p++)
        {
            for (int j = 0; j < 35; j++)
            {
                Assert.Equal((nint)p * 35 + j, layout.Row(p) + j / layout.PanelWidth * layout.PanelStride(p) + j % layout.PanelWidth);
            }
        }
        Assert.Equal(300 * 35, layout.Length);
    }

    [Theory]
    [InlineData(64, 784, 9)]   // a first convolution layer: one depth slice
    [InlineData(50, 70, 300)]  // two depth slices: the bias enters only the first store
    [InlineData(13, 35, 20)]   // edge tiles in both directions
    public void RowBiasInTheStoreEqualsFillingThenAccumulatingOnEveryRung(int m, int n, int k)
    {
        var rng = new Random(5);
        float[] a = Random<float>(rng, m * k), b = Random<float>(rng, k * n), bias = Random<float>(rng, m);
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                foreach (Width width in Widths)
                {
                    float[] expected = new float[m * n];
                    for (int i = 0; i < m; i++)
                    {
                        expected.AsSpan(i * n, n).Fill(bias[i]);
                    }
                    Gemm.Multiply(width, 1, ta, tb, m, n, k, a, b, expected, accumulate: true);
                    foreach (int threads in new[] { 1, 2 })
                    {
                        float[] c = [.. Enumerable.Repeat(float.NaN, m * n)];
                        Gemm.Multiply<float>(width, threads, ta, tb, m, n, k, a, b, c, accumulate: false, bias);
                        Assert.True(expected.AsSpan().SequenceEqual(c), $"{width} threads={threads} ta={ta} tb={tb} differs");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 40, 8)]  // m = 1: the row-vector path
    [InlineData(40, 1, 8)]  // n = 1
    [InlineData(2, 8, 8)]   // at most TinyProduct multiply-adds
    [InlineData(3, 4, 0)]   // no depth: C is the bias
    [InlineData(64, 196, 576)] // the tiled path, on two threads
    [InlineData(16, 20, 100)]  // the tiled path, on one
    public void PublicRowBiasEntryTakesEveryPath(int m, int n, int k)
    {
        var rng = new Random(6);
        double[] a = Random<double>(rng, m * k), b = Random<double>(rng, k * n), bias = Random<double>(rng, m);
        double[] expected = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            expected.AsSpan(i * n, n).Fill(bias[i]);
        }
        Gemm.Multiply<double>(false, false, m, n, k, a, b, expected, accumulate: true);
        double[] c = [.. Enumerable.Repeat(double.NaN, m * n)];
        Gemm.MultiplyRowBias<double>(false, false, m, n, k, a, b, bias, c);
        Assert.Equal(expected, c);
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyRowBias<double>(false, false, m, n, k, a, b, bias[..(m - 1)], c));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void TinyAndRowVectorPathsGiveTheBitsOfTheTiledPath(bool ta, bool tb)
    {
        // The first rows of a 40-row product go through the tiled path; the same rows alone, as a 2-row product of
        // at most TinyProduct multiply-adds or as a 1-row product, must agree to the bit (the m = 1 path with B stored
        // [n, k] uses dot products and is only close).
        const int M = 40, K = 8;
        foreach ((int n, int rows) in new[] { (8, 2), (40, 1) }) // 2 x 8 x 8 = TinyProduct; 1 x 40 x 8 is above it
        {
            var rng = new Random(11);
            double[] a = Random<double>(rng, M * K), b = Random<double>(rng, K * n), start = Random<double>(rng, M * n);
            double[] full = (double[])start.Clone();
            Gemm.Multiply<double>(ta, tb, M, n, K, a, b, full, accumulate: true);
            double[] top = ta ? TopRowsOfTransposed(a, K, M, rows) : a[..(rows * K)];
            double[] c = start[..(rows * n)];
            Gemm.Multiply<double>(ta, tb, rows, n, K, top, b, c, accumulate: true);
            for (int i = 0; i < rows * n; i++)
            {
                if (rows == 1 && tb)
                {
                    Assert.Equal(full[i], c[i], 1e-14);
                }
                else
                {
                    Assert.Equal(full[i], c[i]);
                }
            }
        }

        static double[] TopRowsOfTransposed(double[] a, int k, int m, int rows)
            => Enumerable.Range(0, k).SelectMany(p => a.Skip(p * m).Take(rows)).ToArray();
    }

    [Fact]
    public void PublicEntryMatchesTheInternalOneUnderAThreadLimit()
    {
        const int M = 130, N = 140, K = 150; // above the parallel threshold
        var rng = new Random(3);
        double[] a = Random<double>(rng, M * K), b = Random<double>(rng, K * N);
        double[] free = new double[M * N], limited = new double[M * N];
        Gemm.Multiply<double>(false, true, M, N, K, a, b, free);
        using (KernelParallelism.Limit(1))
        {
            Assert.Equal(1, KernelParallelism.MaxThreads);
            Gemm.Multiply<double>(false, true, M, N, K, a, b, limited);
        }
        Assert.Equal(Environment.ProcessorCount, KernelParallelism.MaxThreads);
        Assert.Equal(free, limited);
    }

    [Fact]
    public async Task ThreadLimitScopesNestAndFlowIntoTasks()
    {
        using (KernelParallelism.Limit(1))
        {
            using (KernelParallelism.Limit(2))
            {
                Assert.Equal(Math.Min(2, Environment.ProcessorCount), KernelParallelism.MaxThreads);
            }
            Assert.Equal(1, KernelParallelism.MaxThreads);
            Assert.Equal(1, await Task.Run(() => KernelParallelism.MaxThreads));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelParallelism.Limit(0));
    }

    [Theory]
    [InlineData(1, 1, 2)]
    [InlineData(7, 33, 5)]
    [InlineData(13, 70, 300)]
    public void NaNAndInfPropagateThroughZeroesOnEveryRung(int m, int n, int k)
    {
        foreach (Width width in Widths)
        {
            foreach (bool ta in new[] { false, true })
            {
                foreach (bool tb in new[] { false, true })
                {
                    // A is all zeros except a NaN at (last row, last p) and an Inf at (0, 0); B is all zeros.
                    var a = new float[m * k];
                    var b = new float[k * n];
                    a[ta ? (k - 1) * m + (m - 1) : (m - 1) * k + (k - 1)] = float.NaN;
                    a[0] = float.PositiveInfinity;
                    var c = new float[m * n];
                    Gemm.Multiply(width, 1, ta, tb, m, n, k, a, b, c, accumulate: false);
                    for (int j = 0; j < n; j++)
                    {
                        Assert.True(float.IsNaN(c[(m - 1) * n + j]), $"{width} ta={ta} tb={tb}: row {m - 1} col {j} lost its NaN");
                        Assert.True(float.IsNaN(c[j]), $"{width} ta={ta} tb={tb}: Inf * 0 in row 0 col {j} should be NaN");
                    }
                }
            }
        }
    }

    [Fact]
    public void NaNPropagatesThroughZeroes()
    {
        var c = new float[1];
        Gemm.Multiply<float>(false, false, 1, 1, 2, [0f, 1f], [float.NaN, 2f], c);
        Assert.True(float.IsNaN(c[0]));
    }

    [Fact]
    public void ZeroDepthClearsOrKeepsC()
    {
        double[] c = [1, 2, 3, 4];
        Gemm.Multiply<double>(false, false, 2, 2, 0, [], [], c, accumulate: true);
        Assert.Equal([1.0, 2, 3, 4], c);
        Gemm.Multiply<double>(false, false, 2, 2, 0, [], [], c);
        Assert.Equal([0.0, 0, 0, 0], c);
    }

    [Fact]
    public void ShortSpansAreRefused()
    {
        Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(false, false, 2, 2, 2, new float[3], new float[4], new float[4]));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(false, false, 2, 2, 2, new float[4], new float[4], new float[3]));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(false, false, -1, 2, 2, new float[4], new float[4], new float[4]));
    }

    private static T[] Random<T>(Random rng, int length) where T : unmanaged, IFloatingPointIeee754<T>
        => Enumerable.Range(0, length).Select(_ => T.CreateChecked(rng.NextDouble() - 0.5)).ToArray();

    /// <summary>The triple loop in double, and the sum of |terms| per element (the scale of the rounding error).</summary>
    private static (double[] Value, double[] Bound) Reference<T>(bool ta, bool tb, int m, int n, int k, T[] a, T[] b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var value = new double[m * n];
        var bound = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double term = double.CreateChecked(ta ? a[p * m + i] : a[i * k + p]) * double.CreateChecked(tb ? b[j * k + p] : b[p * n + j]);
                    sum += term;
                    abs += Math.Abs(term);
                }
                value[i * n + j] = sum;
                bound[i * n + j] = abs;
            }
        }
        return (value, bound);
    }
}

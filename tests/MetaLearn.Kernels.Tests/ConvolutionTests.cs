namespace MetaLearn.Kernels.Tests;

public class ConvolutionTests
{
    private const int OutChannels = 5;

    /// <summary>
    /// Each geometry is large enough (N * C*K*K * OH*OW > 2^20) that a 2-thread budget takes the parallel paths: shifted
    /// rows (32x32 and 28x28 "same" convolutions), groups of images (3x3 and 1x1 outputs, a ragged last group), and a strided window.
    /// </summary>
    [Theory]
    [InlineData(8, 16, 32, 32, 1, 1)]
    [InlineData(301, 64, 3, 3, 1, 1)]
    [InlineData(1900, 64, 1, 1, 1, 1)]
    [InlineData(121, 64, 7, 7, 2, 1)]
    [InlineData(200, 1, 28, 28, 1, 1)] // one input channel: the narrow weight gradient, split across threads
    public void AllThreePassesMatchADirectConvolutionAndDoNotDependOnTheThreadCount(int batch, int channels, int height, int width, int stride, int padding)
    {
        var g = new WindowGeometry(batch, channels, height, width, 3, 3, stride, padding);
        var rng = new Random(3);
        float[] x = Enumerable.Range(0, g.InputSize).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        float[] w = Enumerable.Range(0, OutChannels * g.Rows).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, OutChannels).Select(_ => (float)rng.NextDouble()).ToArray();
        int outSize = g.Batch * OutChannels * g.OutHeight * g.OutWidth;
        float[] dy = Enumerable.Range(0, outSize).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        Assert.True((long)g.Batch * g.Rows * g.OutHeight * g.OutWidth > 1 << 20);

        (float[] Y, float[] Dx, float[] Dw, float[] Db) Run(int threads)
        {
            using KernelParallelism.Scope limit = KernelParallelism.Limit(threads);
            var y = new float[outSize];
            var dx = new float[g.InputSize];
            var dw = new float[w.Length];
            var db = new float[OutChannels];
            Convolution.Forward<float>(x, w, b, y, g, OutChannels);
            Convolution.BackwardInput<float>(dy, w, dx, g, OutChannels);
            Convolution.BackwardWeight<float>(x, dy, dw, g, OutChannels, db);
            return (y, dx, dw, db);
        }

        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.Y, two.Y);
        Assert.Equal(one.Dx, two.Dx);
        Assert.Equal(one.Dw, two.Dw);
        Assert.Equal(one.Db, two.Db);
        AssertClose(BiasGradient([.. dy.Select(v => (double)v)], g.Batch, OutChannels, g.OutHeight * g.OutWidth), one.Db);

        (double[] y64, double[] dx64, double[] dw64) = Direct(x, w, b, dy, g, OutChannels);
        AssertClose(y64, one.Y);
        AssertClose(dx64, one.Dx);
        AssertClose(dw64, one.Dw);
    }

    /// <summary>
    /// The stride-1 "same" convolutions take the shifted-rows path; both it and the im2col path must match the direct
    /// definition, in float and double, for odd shapes: one input channel, a 5x5 kernel, height and width that differ,
    /// channel counts that leave ragged tiles, planes just wide enough for the shifted path.
    /// </summary>
    [Theory]
    [InlineData(3, 1, 28, 28, 3, 64)]
    [InlineData(2, 3, 9, 11, 3, 5)]
    [InlineData(2, 8, 7, 7, 3, 7)]
    [InlineData(2, 5, 12, 10, 5, 9)]
    [InlineData(3, 64, 14, 14, 3, 64)]
    [InlineData(2, 13, 8, 16, 3, 17)]
    public void ShiftedRowsAndIm2colMatchTheDirectDefinition(int batch, int channels, int height, int width, int kernel, int outChannels)
    {
        var g = new WindowGeometry(batch, channels, height, width, kernel, kernel, 1, kernel / 2);
        Assert.True(Convolution.UsesShiftedRows(g));
        var rng = new Random(11);
        double[] x = Values(rng, g.InputSize), w = Values(rng, outChannels * g.Rows), b = Values(rng, outChannels);
        double[] dy = Values(rng, batch * outChannels * height * width);
        (double[] y64, double[] dx64, double[] dw64) = Direct(x, w, b, dy, g, outChannels);

        foreach (bool shifted in new[] { true, false })
        {
            double[] y = new double[y64.Length], dx = new double[dx64.Length], dw = new double[dw64.Length];
            float[] yf = new float[y64.Length], dxf = new float[dx64.Length], dwf = new float[dw64.Length];
            float[] xf = ToFloat(x), wf = ToFloat(w), bf = ToFloat(b), dyf = ToFloat(dy);
            if (shifted)
            {
                double[] db = new double[outChannels];
                float[] dbf = new float[outChannels];
                Convolution.ForwardShifted<double>(x, w, b, y, g, outChannels);
                Convolution.BackwardInputShifted<double>(dy, w, dx, g, outChannels);
                Convolution.BackwardWeightShifted<double>(x, dy, dw, g, outChannels, db);
                Convolution.ForwardShifted<float>(xf, wf, bf, yf, g, outChannels);
                Convolution.BackwardInputShifted<float>(dyf, wf, dxf, g, outChannels);
                Convolution.BackwardWeightShifted<float>(xf, dyf, dwf, g, outChannels, dbf);
                double[] db64 = BiasGradient(dy, batch, outChannels, height * width);
                AssertClose(db64, db, 1e-12);
                AssertClose(db64, dbf);
            }
            else
            {
                Convolution.ForwardColumns<double>(x, w, b, y, g, outChannels);
                Convolution.BackwardInputColumns<double>(dy, w, dx, g, outChannels);
                Convolution.BackwardWeightColumns<double>(x, dy, dw, g, outChannels);
                Convolution.ForwardColumns<float>(xf, wf, bf, yf, g, outChannels);
                Convolution.BackwardInputColumns<float>(dyf, wf, dxf, g, outChannels);
                Convolution.BackwardWeightColumns<float>(xf, dyf, dwf, g, outChannels);
            }
            AssertClose(y64, y, 1e-12);
            AssertClose(dx64, dx, 1e-12);
            AssertClose(dw64, dw, 1e-12);
            AssertClose(y64, yf);
            AssertClose(dx64, dxf);
            AssertClose(dw64, dwf);
        }
    }

    /// <summary>
    /// Winograd F(2x2, 3x3) for 3x3 "same" convolutions with at least 16 channels each way: all three passes against the
    /// direct definition in float and double, for ragged tiles (odd sides), height and width that differ, a single pixel,
    /// a partial last group of images and channel counts off the SIMD width.
    /// </summary>
    [Theory]
    [InlineData(2, 16, 14, 14, 16)]
    [InlineData(3, 17, 7, 7, 20)]
    [InlineData(9, 16, 3, 3, 16)]
    [InlineData(11, 16, 14, 14, 19)]
    [InlineData(2, 16, 5, 8, 24)]
    [InlineData(2, 16, 1, 1, 16)]
    [InlineData(40, 16, 14, 14, 16)] // five image groups: two chunks of the weight gradient
    [InlineData(2, 260, 4, 4, 20)]   // two depth slices of the packed V in the forward products
    public void WinogradMatchesTheDirectDefinition(int batch, int channels, int height, int width, int outChannels)
    {
        var g = new WindowGeometry(batch, channels, height, width, 3, 3, 1, 1);
        Assert.True(Convolution.UsesWinograd(g, outChannels));
        var rng = new Random(13);
        double[] x = Values(rng, g.InputSize), w = Values(rng, outChannels * g.Rows), b = Values(rng, outChannels);
        double[] dy = Values(rng, batch * outChannels * height * width);
        (double[] y64, double[] dx64, double[] dw64) = Direct(x, w, b, dy, g, outChannels);

        double[] db64 = BiasGradient(dy, batch, outChannels, height * width);
        double[] y = new double[y64.Length], dx = new double[dx64.Length], dw = new double[dw64.Length], db = new double[outChannels];
        Convolution.Forward<double>(x, w, b, y, g, outChannels);
        Convolution.BackwardInput<double>(dy, w, dx, g, outChannels);
        Convolution.BackwardWeight<double>(x, dy, dw, g, outChannels, db);
        AssertClose(y64, y, 1e-12);
        AssertClose(dx64, dx, 1e-12);
        AssertClose(dw64, dw, 1e-12);
        AssertClose(db64, db, 1e-12);

        float[] yf = new float[y64.Length], dxf = new float[dx64.Length], dwf = new float[dw64.Length], dbf = new float[outChannels];
        Convolution.Forward<float>(ToFloat(x), ToFloat(w), ToFloat(b), yf, g, outChannels);
        Convolution.BackwardInput<float>(ToFloat(dy), ToFloat(w), dxf, g, outChannels);
        Convolution.BackwardWeight<float>(ToFloat(x), ToFloat(dy), dwf, g, outChannels, dbf);
        AssertClose(y64, yf);
        AssertClose(dx64, dxf);
        AssertClose(dw64, dwf);
        AssertClose(db64, dbf);
    }

    [Fact]
    public void WinogradGivesTheSameBitsOnOneAndTwoThreads()
    {
        var g = new WindowGeometry(80, 64, 14, 14, 3, 3, 1, 1); // ten image groups: three weight-gradient chunks
        Assert.True((long)g.Batch * g.Rows * g.OutHeight * g.OutWidth > 1 << 20); // large enough to split
        var rng = new Random(17);
        float[] x = ToFloat(Values(rng, g.InputSize)), w = ToFloat(Values(rng, 64 * g.Rows)), b = ToFloat(Values(rng, 64));
        float[] dy = ToFloat(Values(rng, g.InputSize));
        (float[], float[], float[]) Run(int threads)
        {
            using KernelParallelism.Scope limit = KernelParallelism.Limit(threads);
            float[] y = new float[g.InputSize], dx = new float[g.InputSize], dw = new float[w.Length];
            Convolution.Forward<float>(x, w, b, y, g, 64);
            Convolution.BackwardInput<float>(dy, w, dx, g, 64);
            Convolution.BackwardWeight<float>(x, dy, dw, g, 64);
            return (y, dx, dw);
        }
        (float[] y1, float[] dx1, float[] dw1) = Run(1);
        (float[] y2, float[] dx2, float[] dw2) = Run(2);
        Assert.True(y1.AsSpan().SequenceEqual(y2), "forward differs");
        Assert.True(dx1.AsSpan().SequenceEqual(dx2), "input gradient differs");
        Assert.True(dw1.AsSpan().SequenceEqual(dw2), "weight gradient differs");
    }

    [Fact]
    public void NarrowPlanesAndOtherGeometriesKeepIm2col()
    {
        Assert.False(Convolution.UsesShiftedRows(new WindowGeometry(2, 64, 3, 3, 3, 3, 1, 1)));  // 3x3 planes: 9 of 15 grid columns used
        Assert.False(Convolution.UsesShiftedRows(new WindowGeometry(2, 64, 14, 14, 3, 3, 2, 1))); // strided
        Assert.False(Convolution.UsesShiftedRows(new WindowGeometry(2, 64, 14, 14, 3, 3, 1, 0))); // "valid", not "same"
        Assert.False(Convolution.UsesShiftedRows(new WindowGeometry(2, 64, 14, 14, 1, 1, 1, 0))); // 1x1: no window to shift
        Assert.True(Convolution.UsesShiftedRows(new WindowGeometry(2, 64, 7, 7, 3, 3, 1, 1)));
    }

    /// <summary>The bias gradient by definition: <c>dy</c> summed over images and positions, per output channel.</summary>
    private static double[] BiasGradient(double[] dy, int batch, int outChannels, int plane)
    {
        var sums = new double[outChannels];
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outChannels; o++)
            {
                for (int i = 0; i < plane; i++)
                {
                    sums[o] += dy[(n * outChannels + o) * plane + i];
                }
            }
        }
        return sums;
    }

    private static double[] Values(Random rng, int count) => [.. Enumerable.Range(0, count).Select(_ => rng.NextDouble() - 0.5)];

    private static float[] ToFloat(double[] values) => [.. values.Select(v => (float)v)];

    /// <summary>The definitions in double: y = conv(x, w) + b; dx = conv^T(dy, w); dw = correlation of x with dy.</summary>
    private static (double[] Y, double[] Dx, double[] Dw) Direct<TIn>(TIn[] x, TIn[] w, TIn[] b, TIn[] dy, WindowGeometry g, int outChannels)
        where TIn : IConvertible
    {
        int oh = g.OutHeight, ow = g.OutWidth, kh = g.KernelHeight, kw = g.KernelWidth;
        var y64 = new double[g.Batch * outChannels * oh * ow];
        var dx64 = new double[g.InputSize];
        var dw64 = new double[outChannels * g.Rows];
        double V(TIn v) => v.ToDouble(null);
        for (int n = 0; n < g.Batch; n++)
        for (int o = 0; o < outChannels; o++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            int yi = ((n * outChannels + o) * oh + oy) * ow + ox;
            double sum = V(b[o]);
            for (int c = 0; c < g.Channels; c++)
            for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int iy = oy * g.Stride - g.Padding + ky, ix = ox * g.Stride - g.Padding + kx;
                if (iy < 0 || ix < 0 || iy >= g.Height || ix >= g.Width)
                {
                    continue;
                }
                int xi = ((n * g.Channels + c) * g.Height + iy) * g.Width + ix;
                int wi = ((o * g.Channels + c) * kh + ky) * kw + kx;
                sum += V(x[xi]) * V(w[wi]);
                dx64[xi] += V(dy[yi]) * V(w[wi]);
                dw64[wi] += V(dy[yi]) * V(x[xi]);
            }
            y64[yi] = sum;
        }
        return (y64, dx64, dw64);
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"element {i}: {actual[i]} vs {expected[i]}");
        }
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"element {i}: {actual[i]} vs {expected[i]}");
        }
    }
}

namespace MetaLearn.Kernels.Tests;

public class ConvolutionTests
{
    private const int OutChannels = 5;

    /// <summary>
    /// Each geometry is large enough (N * C*K*K * OH*OW > 2^20) that a 2-thread budget takes the parallel paths: one image
    /// per GEMM (32x32 output), groups of images (3x3 and 1x1 outputs, a ragged last group), and a strided window.
    /// </summary>
    [Theory]
    [InlineData(8, 16, 32, 32, 1, 1)]
    [InlineData(301, 64, 3, 3, 1, 1)]
    [InlineData(1900, 64, 1, 1, 1, 1)]
    [InlineData(121, 64, 7, 7, 2, 1)]
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

        (float[] Y, float[] Dx, float[] Dw) Run(int threads)
        {
            using KernelParallelism.Scope limit = KernelParallelism.Limit(threads);
            var y = new float[outSize];
            var dx = new float[g.InputSize];
            var dw = new float[w.Length];
            Convolution.Forward<float>(x, w, b, y, g, OutChannels);
            Convolution.BackwardInput<float>(dy, w, dx, g, OutChannels);
            Convolution.BackwardWeight<float>(x, dy, dw, g, OutChannels);
            return (y, dx, dw);
        }

        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.Y, two.Y);
        Assert.Equal(one.Dx, two.Dx);
        Assert.Equal(one.Dw, two.Dw);

        // Direct definitions in double: y = conv(x, w) + b; dx = conv^T(dy, w); dw = correlation of x with dy.
        var y64 = new double[outSize];
        var dx64 = new double[g.InputSize];
        var dw64 = new double[w.Length];
        int oh = g.OutHeight, ow = g.OutWidth;
        for (int n = 0; n < g.Batch; n++)
        for (int o = 0; o < OutChannels; o++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            int yi = ((n * OutChannels + o) * oh + oy) * ow + ox;
            double sum = b[o];
            for (int c = 0; c < g.Channels; c++)
            for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++)
            {
                int iy = oy * stride - padding + ky, ix = ox * stride - padding + kx;
                if (iy < 0 || ix < 0 || iy >= g.Height || ix >= g.Width)
                {
                    continue;
                }
                int xi = ((n * g.Channels + c) * g.Height + iy) * g.Width + ix;
                int wi = ((o * g.Channels + c) * 3 + ky) * 3 + kx;
                sum += x[xi] * (double)w[wi];
                dx64[xi] += dy[yi] * (double)w[wi];
                dw64[wi] += dy[yi] * (double)x[xi];
            }
            y64[yi] = sum;
        }
        AssertClose(y64, one.Y);
        AssertClose(dx64, one.Dx);
        AssertClose(dw64, one.Dw);
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"element {i}: {actual[i]} vs {expected[i]}");
        }
    }
}

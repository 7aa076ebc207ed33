namespace MetaLearn.Kernels.Tests;

public class ReduceAndLayoutTests
{
    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(3, 5, 1)]
    [InlineData(2, 7, 3)]
    [InlineData(4, 1, 33)]
    [InlineData(1, 257, 1)]
    public void SumAndArgMaxMatchNaiveLoops(int outer, int n, int inner)
    {
        var rng = new Random(outer + n + inner);
        double[] x = Enumerable.Range(0, outer * n * inner).Select(_ => rng.NextDouble()).ToArray();
        var sum = new double[outer * inner];
        Reduce.Sum<double>(x, outer, n, inner, sum);
        var max = new double[outer * inner];
        var arg = new int[outer * inner];
        if (n > 0)
        {
            Reduce.ArgMax<double>(x, outer, n, inner, max, arg);
        }
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                double s = 0;
                int best = 0;
                for (int r = 0; r < n; r++)
                {
                    double v = x[(o * n + r) * inner + i];
                    s += v;
                    if (v > x[(o * n + best) * inner + i])
                    {
                        best = r;
                    }
                }
                Assert.Equal(s, sum[o * inner + i], 12);
                if (n > 0)
                {
                    Assert.Equal(best, arg[o * inner + i]);
                    Assert.Equal(x[(o * n + best) * inner + i], max[o * inner + i]);
                }
            }
        }
    }

    [Fact]
    public void ArgMaxPicksTheFirstOfTiesAndPropagatesNaN()
    {
        var max = new float[1];
        var arg = new int[1];
        Reduce.ArgMax<float>([1f, 3f, 3f], 1, 3, 1, max, arg);
        Assert.Equal(1, arg[0]);
        Reduce.ArgMax<float>([1f, float.NaN, 3f], 1, 3, 1, max, arg);
        Assert.True(float.IsNaN(max[0]));
    }

    [Fact]
    public void PermuteMatchesIndexArithmetic()
    {
        int[] shape = [2, 3, 4];
        float[] x = Enumerable.Range(0, 24).Select(i => (float)i).ToArray();
        var y = new float[24];
        Layout.Permute<float>(x, shape, [2, 0, 1], y);
        for (int a = 0; a < 4; a++)
        {
            for (int b = 0; b < 2; b++)
            {
                for (int c = 0; c < 3; c++)
                {
                    Assert.Equal(x[(b * 3 + c) * 4 + a], y[(a * 2 + b) * 3 + c]);
                }
            }
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void GatherAndScatterAddAreAdjoint(int inner)
    {
        var rng = new Random(4);
        double[] x = Enumerable.Range(0, 2 * 5 * inner).Select(_ => rng.NextDouble()).ToArray();
        int[] index = Enumerable.Range(0, 2 * 4 * inner).Select(_ => rng.Next(5)).ToArray();
        double[] g = Enumerable.Range(0, 2 * 4 * inner).Select(_ => rng.NextDouble()).ToArray();
        var gathered = new double[g.Length];
        Layout.Gather<double>(x, 2, 5, inner, index, 4, gathered);
        var scattered = new double[x.Length];
        Layout.ScatterAdd<double>(g, 2, 4, inner, index, 5, scattered);
        // By definition: gathered[o, j, i] = x[o, index[o, j, i], i].
        for (int o = 0; o < 2; o++)
        for (int j = 0; j < 4; j++)
        for (int i = 0; i < inner; i++)
        {
            int at = ((o * 4) + j) * inner + i;
            Assert.Equal(x[((o * 5) + index[at]) * inner + i], gathered[at]);
        }
        // <Gather(x), g> == <x, ScatterAdd(g)>
        Assert.Equal(gathered.Zip(g, (a, b) => a * b).Sum(), x.Zip(scattered, (a, b) => a * b).Sum(), 12);
    }

    [Theory]
    [InlineData(2, 3, 5, 5, 3, 1, 1)]
    [InlineData(1, 2, 6, 7, 2, 2, 0)]
    [InlineData(3, 1, 4, 4, 3, 2, 1)]
    public void UnfoldAndFoldAreAdjoint(int batch, int channels, int h, int w, int k, int stride, int pad)
    {
        var g = new WindowGeometry(batch, channels, h, w, k, k, stride, pad);
        var rng = new Random(h * w);
        double[] x = Enumerable.Range(0, g.InputSize).Select(_ => rng.NextDouble()).ToArray();
        double[] c = Enumerable.Range(0, g.Rows * g.Columns).Select(_ => rng.NextDouble()).ToArray();
        var unfolded = new double[c.Length];
        Window.Unfold<double>(x, g, unfolded);
        var folded = new double[x.Length];
        Window.Fold<double>(c, g, folded);
        Assert.Equal(unfolded.Zip(c, (a, b) => a * b).Sum(), x.Zip(folded, (a, b) => a * b).Sum(), 10);

        // And a direct spot check: column (n=0, oy=0, ox=0) of row (c=0, ky=k-1, kx=k-1).
        int row = k * k - 1;
        int iy = k - 1 - pad, ix = k - 1 - pad;
        double expected = iy >= 0 && ix >= 0 && iy < h && ix < w ? x[iy * w + ix] : 0;
        Assert.Equal(expected, unfolded[row * g.Columns]);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(2, 1)]
    public void MaxPoolIndicesPickTheFirstMaximumAndPropagateNaN(int kernel, int stride)
    {
        const int planes = 3, h = 7, w = 9;
        var rng = new Random(kernel * 10 + stride);
        // Few distinct values so ties are common; one NaN per plane.
        float[] x = Enumerable.Range(0, planes * h * w).Select(_ => (float)rng.Next(4)).ToArray();
        for (int p = 0; p < planes; p++)
        {
            x[p * h * w + rng.Next(h * w)] = float.NaN;
        }
        int oh = (h - kernel) / stride + 1, ow = (w - kernel) / stride + 1;
        var indices = new int[planes * oh * ow];
        Pooling.MaxPoolIndices<float>(x, planes, h, w, kernel, stride, indices);
        for (int p = 0; p < planes; p++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            int best = -1;
            for (int ky = 0; ky < kernel && (best < 0 || !float.IsNaN(x[p * h * w + best])); ky++)
            for (int kx = 0; kx < kernel; kx++)
            {
                int i = (oy * stride + ky) * w + ox * stride + kx;
                float v = x[p * h * w + i];
                if (best < 0 || v > x[p * h * w + best] || (float.IsNaN(v) && !float.IsNaN(x[p * h * w + best])))
                {
                    best = i;
                }
            }
            Assert.Equal(best, indices[(p * oh + oy) * ow + ox]);
        }
    }

    [Theory]
    [InlineData(7, 9)]
    [InlineData(28, 28)]
    [InlineData(3, 3)]
    public void FusedTwoByTwoMaxPoolAgreesWithTheGeneralLoopOnTiesAndNaNs(int h, int w)
    {
        const int planes = 200;
        var rng = new Random(h * 100 + w);
        // Three distinct values (many ties, as after a ReLU) and about 5% NaNs, so windows with two or more NaNs occur.
        double[] x = [.. Enumerable.Range(0, planes * h * w).Select(_ => rng.Next(20) == 0 ? double.NaN : rng.Next(3))];
        float[] xf = [.. x.Select(v => (float)v)];
        int outSize = planes * (h / 2) * (w / 2); // float runs eight windows at a time (AVX2) plus a scalar tail
        var expected = new int[outSize];
        Pooling.MaxPoolIndices<double>(x, planes, h, w, 2, 2, expected);
        int plane = h * w, outPlane = (h / 2) * (w / 2);
        Assert.Contains(Enumerable.Range(0, outSize), j => double.IsNaN(x[(j / outPlane * plane) + expected[j]]));

        var indices = new int[outSize];
        var values = new double[outSize];
        Pooling.MaxPool2x2<double>(x, planes, h, w, values, indices);
        Assert.Equal(expected, indices);
        var indicesF = new int[outSize];
        var valuesF = new float[outSize];
        Pooling.MaxPool2x2<float>(xf, planes, h, w, valuesF, indicesF);
        Assert.Equal(expected, indicesF);
        for (int j = 0; j < outSize; j++)
        {
            double v = x[(j / outPlane * plane) + expected[j]];
            Assert.Equal(v, values[j]);
            Assert.Equal((float)v, valuesF[j]);
        }
    }
}

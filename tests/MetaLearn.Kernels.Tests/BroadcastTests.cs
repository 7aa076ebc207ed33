namespace MetaLearn.Kernels.Tests;

public class BroadcastTests
{
    /// <summary>Every length 0..257 so each SIMD width's tail path runs, for all three span shapes.</summary>
    [Fact]
    public void SameShapeAndScalarOperandsMatchAScalarLoopForEveryLength()
    {
        var rng = new Random(1);
        for (int n = 0; n <= 257; n++)
        {
            float[] x = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() * 4 - 2).ToArray();
            float[] y = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() * 4 - 2).ToArray();
            var d = new float[n];
            Broadcast.Binary<float, Binary.Subtract>(x, [1], y, [1], d, [n]);
            Assert.Equal(x.Zip(y, (a, b) => a - b), d);
            Broadcast.Binary<float, Binary.Subtract>(x, [1], y, [0], d, [n]);
            Assert.Equal(x.Select(a => n == 0 ? 0 : a - y[0]), d);
            Broadcast.Binary<float, Binary.Subtract>(x, [0], y, [1], d, [n]);
            Assert.Equal(y.Select(b => n == 0 ? 0 : x[0] - b), d);
        }
    }

    [Fact]
    public void ReluMaskMatchesAScalarLoopForEveryLength()
    {
        var rng = new Random(2);
        for (int n = 0; n <= 257; n++)
        {
            double[] g = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
            double[] x = Enumerable.Range(0, n).Select(i => i % 5 == 0 ? 0.0 : rng.NextDouble() - 0.5).ToArray();
            var d = new double[n];
            Binary.MaskByPositive.Invoke<double>(g, x, d);
            Assert.Equal(g.Zip(x, (a, b) => b > 0 ? a : 0.0), d);
        }
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, new[] { 2, 3, 4 }, new[] { 2, 3, 4 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 1, 3, 1 }, new[] { 2, 3, 4 })]
    [InlineData(new[] { 2, 1, 4 }, new[] { 1, 3, 1 }, new[] { 2, 3, 4 })]
    [InlineData(new[] { 5, 1, 3, 1 }, new[] { 1, 4, 1, 6 }, new[] { 5, 4, 3, 6 })]
    [InlineData(new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 })]
    public void BroadcastShapesMatchANaiveIndexLoop(int[] xs, int[] ys, int[] shape)
    {
        double[] x = Iota(Size(xs)), y = Iota(Size(ys)).Select(v => v * 0.5 + 1).ToArray();
        var d = new double[Size(shape)];
        Broadcast.Binary<double, Binary.Multiply>(x, Strides(xs), y, Strides(ys), d, shape);

        var index = new int[shape.Length];
        for (int flat = 0; flat < d.Length; flat++)
        {
            int rem = flat;
            for (int k = shape.Length - 1; k >= 0; k--)
            {
                index[k] = rem % shape[k];
                rem /= shape[k];
            }
            Assert.Equal(x[Offset(index, xs)] * y[Offset(index, ys)], d[flat]);
        }
    }

    [Fact]
    public void ExpandMaterialisesABroadcastView()
    {
        var d = new float[6];
        Broadcast.Expand<float>([1f, 2f, 3f], [0, 1], d, [2, 3]);
        Assert.Equal([1f, 2, 3, 1, 2, 3], d);
    }

    private static int Size(int[] s) => s.Aggregate(1, (a, b) => a * b);

    private static double[] Iota(int n) => Enumerable.Range(0, n).Select(i => (double)i).ToArray();

    /// <summary>Broadcast strides of a contiguous operand (0 on size-1 dimensions).</summary>
    private static int[] Strides(int[] s)
    {
        var strides = new int[s.Length];
        int stride = 1;
        for (int k = s.Length - 1; k >= 0; k--)
        {
            strides[k] = s[k] == 1 ? 0 : stride;
            stride *= s[k];
        }
        return strides;
    }

    private static int Offset(int[] index, int[] s)
    {
        int offset = 0;
        for (int k = 0; k < s.Length; k++)
        {
            offset = offset * s[k] + (s[k] == 1 ? 0 : index[k]);
        }
        return offset;
    }
}

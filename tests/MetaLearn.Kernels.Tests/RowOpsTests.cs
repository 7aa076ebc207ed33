namespace MetaLearn.Kernels.Tests;

public class RowOpsTests
{
    [Fact]
    public void SinglePassRowLoopsMatchScalarDefinitionsForEveryLength()
    {
        var rng = new Random(5);
        for (int n = 0; n <= 257; n++)
        {
            double[] x = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.3).ToArray();
            double[] g = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.6).ToArray();
            Assert.Equal(x.Sum(v => (v - 0.1) * (v - 0.1)), RowOps.SumOfSquaredDeviations<double>(x, 0.1), 9);
            (double sum, double dot) = RowOps.SumAndDot<double>(g, x);
            Assert.Equal(g.Sum(), sum, 9);
            Assert.Equal(g.Zip(x, (a, b) => a * b).Sum(), dot, 9);
            var y = new double[n];
            RowOps.Affine<double>(x, 2.5, -1.0, y);
            Assert.Equal(x.Select(v => v * 2.5 - 1.0), y);
            RowOps.LinearCombination<double>(g, 0.5, x, -2.0, 0.25, y);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(0.5 * g[i] - 2.0 * x[i] + 0.25, y[i], 14);
            }
        }
    }
}

namespace MetaLearn.Kernels.Tests;

public class GemmTests
{
    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 0, 3, 4 }, { 1, 1, 1 }, { 3, 5, 7 }, { 17, 33, 9 }, { 4, 257, 3 }, { 2, 300, 65 }, { 40, 40, 40 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void AllTransposeVariantsMatchATripleLoop(int m, int n, int k)
    {
        var rng = new Random(m * 1000 + n * 10 + k);
        double[] a = Enumerable.Range(0, m * k).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double[] b = Enumerable.Range(0, k * n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                var c = Enumerable.Repeat(1.0, m * n).ToArray();
                Gemm.Multiply<double>(ta, tb, m, n, k, a, b, c, accumulate: true);
                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        double expected = 1.0;
                        for (int p = 0; p < k; p++)
                        {
                            expected += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                        }
                        Assert.True(Math.Abs(expected - c[i * n + j]) < 1e-12, $"ta={ta} tb={tb} C[{i},{j}]: {c[i * n + j]} vs {expected}");
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
    public void ShortSpansAreRefused()
        => Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(false, false, 2, 2, 2, new float[3], new float[4], new float[4]));
}

namespace MetaLearn.Tensors.Tests;

/// <summary>
/// A stride-1 convolution narrower than "same" (padding 0 with a 3x3 kernel, as in Relation Networks' feature net) is
/// computed as the centre of the "same" convolution on the fast kernels. It must equal the definition, and its
/// gradients those of the definition, on the geometries that take that path (shifted rows, Winograd) and on one that
/// does not.
/// </summary>
public class ConvolutionPathTests
{
    [Theory]
    [InlineData(2, 3, 9, 9, 4)]    // shifted rows
    [InlineData(2, 16, 11, 11, 16)] // Winograd
    [InlineData(1, 2, 5, 6, 3)]    // too narrow for either: unfolded
    public void APaddingZeroConvolutionEqualsTheDefinition(int n, int c, int h, int w, int o)
    {
        var rng = new Rng(3);
        Tensor x = Tensor.Normal(rng, [n, c, h, w], dtype: DType.Float64).SetRequiresGrad();
        Tensor weight = Tensor.Normal(rng, [o, c, 3, 3], dtype: DType.Float64).SetRequiresGrad();
        Tensor bias = Tensor.Normal(rng, [o], dtype: DType.Float64).SetRequiresGrad();
        Tensor y = Functional.Conv2d(x, weight, bias);
        Assert.Equal([n, o, h - 2, w - 2], y.Shape);
        double[] xv = x.ToDoubleArray(), wv = weight.ToDoubleArray(), bv = bias.ToDoubleArray(), yv = y.ToDoubleArray();
        for (int b = 0; b < n; b++)
        {
            for (int k = 0; k < o; k++)
            {
                for (int i = 0; i < h - 2; i++)
                {
                    for (int j = 0; j < w - 2; j++)
                    {
                        double s = bv[k];
                        for (int ch = 0; ch < c; ch++)
                        {
                            for (int di = 0; di < 3; di++)
                            {
                                for (int dj = 0; dj < 3; dj++)
                                {
                                    s += xv[((b * c + ch) * h + i + di) * w + j + dj] * wv[((k * c + ch) * 3 + di) * 3 + dj];
                                }
                            }
                        }
                        Assert.Equal(s, yv[((b * o + k) * (h - 2) + i) * (w - 2) + j], 10);
                    }
                }
            }
        }
        // The gradient of sum(y * r) w.r.t. x is the full correlation of r with the flipped kernel: check one element by hand.
        Tensor r = Tensor.Normal(rng, y.Shape.ToArray(), dtype: DType.Float64);
        Tensor[] g = Autograd.Grad((y * r).Sum(), [x, weight, bias]);
        double expected = 0;
        double[] rv = r.ToDoubleArray();
        int ci = 0, xi = 1, xj = 1; // x[0, 0, 1, 1] touches outputs (i, j) with i in 0..1, j in 0..1
        for (int k = 0; k < o; k++)
        {
            for (int i = Math.Max(0, xi - 2); i <= Math.Min(h - 3, xi); i++)
            {
                for (int j = Math.Max(0, xj - 2); j <= Math.Min(w - 3, xj); j++)
                {
                    expected += rv[(k * (h - 2) + i) * (w - 2) + j] * wv[((k * c + ci) * 3 + xi - i) * 3 + xj - j];
                }
            }
        }
        Assert.Equal(expected, g[0].ToDoubleArray()[xi * w + xj], 10);
        Assert.Equal(r.Sum(0).Sum(1).Sum(1).ToDoubleArray(), g[2].ToDoubleArray().Select(v => v).ToArray(), new ToleranceComparer(1e-10));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}

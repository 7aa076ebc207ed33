namespace MetaLearn.Tensors.Tests.Autodiff;

/// <summary>
/// The fused block tail <c>BatchNormMaxPoolRelu</c> against the three ops it replaces, in float32: the same output bits
/// (so the same argmax windows), and gradients equal up to summation order, at first and second order.
/// </summary>
public class PooledBatchNormTests
{
    private static Tensor Unfused(Tensor x, Tensor w, Tensor b) => Functional.MaxPool2d(Functional.BatchNorm(x, w, b), 2).Relu();

    /// <summary>Plane sizes for every path of the window kernel: eight-window groups with and without a scalar tail, odd sides.</summary>
    [Theory]
    [InlineData(2, 3, 2, 2)]
    [InlineData(3, 4, 7, 7)]
    [InlineData(2, 5, 14, 14)]
    [InlineData(2, 2, 28, 28)]
    [InlineData(4, 3, 5, 9)]
    [InlineData(1, 2, 16, 34)]
    public void ValuesAreThoseOfTheThreeOpsAndGradientsAgree(int n, int c, int h, int w)
    {
        var rng = new Rng((ulong)(n * 1000 + c * 100 + h * 10 + w));
        Tensor x = Tensor.Normal(rng, [n, c, h, w]).SetRequiresGrad();
        Tensor weight = Tensor.Normal(rng, [c], 1.0, 0.5).SetRequiresGrad(), bias = Tensor.Normal(rng, [c], 0.0, 0.5).SetRequiresGrad();
        Tensor fused = Functional.BatchNormMaxPoolRelu(x, weight, bias), reference = Unfused(x, weight, bias);
        Assert.Equal(reference.Shape.ToArray(), fused.Shape.ToArray());
        Assert.Equal(reference.ToFloatArray(), fused.ToFloatArray());

        Tensor probe = Tensor.Normal(rng, fused.Shape.ToArray());
        Tensor[] first = Autograd.Grad((fused * probe).Sum(), [x, weight, bias], retainGraph: true);
        Tensor[] expected = Autograd.Grad((reference * probe).Sum(), [x, weight, bias], retainGraph: true);
        for (int i = 0; i < 3; i++)
        {
            AssertClose(expected[i], first[i], 2e-4);
        }

        // Second order: the recorded gradient, differentiated again along a direction.
        Tensor[] g = Autograd.Grad((fused * probe).Sum(), [x, weight], createGraph: true);
        Tensor[] gRef = Autograd.Grad((reference * probe).Sum(), [x, weight], createGraph: true);
        Tensor direction = Tensor.Normal(rng, x.Shape.ToArray());
        Tensor[] second = Autograd.Grad((g[0] * direction).Sum() + g[1].Sum(), [x, weight, bias], allowUnused: true);
        Tensor[] secondRef = Autograd.Grad((gRef[0] * direction).Sum() + gRef[1].Sum(), [x, weight, bias], allowUnused: true);
        for (int i = 0; i < 3; i++)
        {
            AssertClose(secondRef[i], second[i], 2e-3);
        }
    }

    /// <summary>
    /// The first-order backward takes batch norm's centred sum from the output where it can; a channel whose weight is zero
    /// takes it from the input instead, and a large mean (values about 100 +- 1) must not cost accuracy: the float32
    /// gradients against the float64 ones of the unfused ops.
    /// </summary>
    [Theory]
    [InlineData(0.0, false)]
    [InlineData(100.0, false)]
    [InlineData(0.0, true)]
    public void FirstOrderGradientsHoldForZeroWeightsAndLargeMeans(double offset, bool zeroWeight)
    {
        var rng = new Rng(31);
        Tensor x64 = (Tensor.Normal(rng, [6, 4, 12, 12], dtype: DType.Float64) + offset).SetRequiresGrad();
        double[] weights = zeroWeight ? [1.3, 0.0, -0.7, 0.0] : [1.3, 0.4, -0.7, 2.0];
        Tensor w64 = Tensor.FromArray(weights).SetRequiresGrad(), b64 = Tensor.FromArray(new[] { 0.1, -0.2, 0.3, 0.5 }).SetRequiresGrad();
        Tensor probe64 = Tensor.Normal(rng, [6, 4, 6, 6], dtype: DType.Float64);
        Tensor[] expected = Autograd.Grad((Unfused(x64, w64, b64) * probe64).Sum(), [x64, w64, b64]);

        Tensor x = x64.To(DType.Float32).SetRequiresGrad(), w = w64.To(DType.Float32).SetRequiresGrad(), b = b64.To(DType.Float32).SetRequiresGrad();
        Tensor[] actual = Autograd.Grad((Functional.BatchNormMaxPoolRelu(x, w, b) * probe64.To(DType.Float32)).Sum(), [x, w, b]);
        for (int i = 0; i < 3; i++)
        {
            AssertClose(expected[i], actual[i], 1e-3);
        }
    }

    /// <summary>8-wide planes take the gathering kernel, 16 and wider the row-pair one (16 windows and more per row pair).</summary>
    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    public void TiesGoToTheFirstWindowElementAsInMaxPooling(int side)
    {
        // Constant 2x2 blocks: every window is a four-way tie, so the gradient must land where max-pooling puts it.
        int plane = side * side;
        float[] values = new float[2 * 2 * plane];
        for (int i = 0; i < values.Length; i++)
        {
            int row = i / side % side, col = i % side;
            values[i] = (row / 2 * (side / 2) + col / 2) * 0.25f + i / plane;
        }
        Tensor x = Tensor.FromArray(values, 2, 2, side, side).SetRequiresGrad();
        Tensor w = Tensor.Full([2], 1.5).SetRequiresGrad(), b = Tensor.Full([2], 0.1).SetRequiresGrad();
        Tensor fused = Functional.BatchNormMaxPoolRelu(x, w, b), reference = Unfused(x, w, b);
        Assert.Equal(reference.ToFloatArray(), fused.ToFloatArray());
        AssertClose(Autograd.Grad(fused.Sum(), x), Autograd.Grad(reference.Sum(), x), 1e-5);
    }

    [Fact]
    public void NaNPropagatesAndBadShapesAreRefused()
    {
        float[] values = [.. Enumerable.Range(0, 32).Select(i => (float)i)];
        values[5] = float.NaN;
        Tensor y = Functional.BatchNormMaxPoolRelu(Tensor.FromArray(values, 2, 1, 4, 4));
        Assert.All(y.ToFloatArray(), v => Assert.True(float.IsNaN(v))); // the NaN spoils channel 0's statistics, so every window
        var e = Assert.Throws<ArgumentException>(() => Functional.BatchNormMaxPoolRelu(Tensor.Zeros(2, 3)));
        Assert.Contains("[N, C, H, W]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Functional.BatchNormMaxPoolRelu(Tensor.Zeros(2, 3, 4, 4), Tensor.Ones(2)));
        Assert.Contains("weight has shape [2] but the input has 3 channels", e.Message);
    }

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        double[] e = expected.ToDoubleArray(), a = actual.ToDoubleArray();
        Assert.Equal(e.Length, a.Length);
        double scale = Math.Max(1.0, e.Max(Math.Abs));
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= tolerance * scale, $"element {i}: {a[i]} vs {e[i]} (scale {scale})");
        }
    }
}

namespace MetaLearn.Tensors.Tests;

public class TensorTests
{
    [Fact]
    public void CreationHelpersHaveTheRequestedShapeDTypeAndValues()
    {
        Assert.Equal([0.0, 0, 0, 0, 0, 0], Tensor.Zeros(2, 3).ToDoubleArray());
        Assert.Equal(DType.Float64, Tensor.Ones([2], DType.Float64).DType);
        Assert.Equal([7.0, 7.0], Tensor.Full([2], 7).ToDoubleArray());
        Assert.Equal([1.0, 1.5, 2.0, 2.5], Tensor.Arange(1, 3, 0.5).ToDoubleArray());
        Assert.Equal(0, Tensor.Scalar(3).Rank);
        Assert.Equal(3.0, Tensor.Scalar(3).Item());
        Assert.Equal(6.0, Tensor.FromArray([1f, 2, 3, 4, 5, 6], 2, 3).At(1, 2));
    }

    [Fact]
    public void ReshapeIsAViewAndInfersMinusOne()
    {
        Tensor x = Tensor.Arange(0, 12);
        Tensor y = x.Reshape(3, -1);
        Assert.Equal([3, 4], y.Shape.ToArray());
        Assert.Same(x.Data, y.Data);
    }

    [Fact]
    public void RandomTensorsAreReproducibleFromTheirSeed()
    {
        Assert.Equal(Tensor.Normal(new Rng(5), [10]).ToDoubleArray(), Tensor.Normal(new Rng(5), [10]).ToDoubleArray());
        Assert.NotEqual(Tensor.Normal(new Rng(5), [10]).ToDoubleArray(), Tensor.Normal(new Rng(6), [10]).ToDoubleArray());
        double[] u = Tensor.Uniform(new Rng(1), [1000], -2, 3).ToDoubleArray();
        Assert.All(u, v => Assert.InRange(v, -2, 3));
    }

    [Fact]
    public void Float32DrawsAreTheFloat64DrawsConverted()
    {
        Assert.Equal(Tensor.Uniform(new Rng(3), [257], -2, 5, DType.Float64).ToFloatArray(), Tensor.Uniform(new Rng(3), [257], -2, 5).ToFloatArray());
        Assert.Equal(Tensor.Normal(new Rng(4), [3, 5], 1, 2, DType.Float64).ToFloatArray(), Tensor.Normal(new Rng(4), [3, 5], 1, 2).ToFloatArray());
        Assert.Equal([3, 5], Tensor.Normal(new Rng(4), [3, 5]).Shape.ToArray());
    }

    [Fact]
    public void ToStringShowsShapeDTypeOpAndValues()
    {
        Tensor w = Tensor.FromArray([1f, 2, 3, 4], 2, 2).SetRequiresGrad();
        w.Name = "w";
        Assert.Equal("Tensor[2, 2] float32 requires_grad (w) [[1, 2], [3, 4]]", w.ToString());
        Assert.StartsWith("Tensor[2, 2] float32 grad_fn=mul [[2, 4]", (w * 2.0).ToString());
        Assert.EndsWith("...]", Tensor.Zeros(100).ToString());
    }

    [Fact]
    public void ConversionBetweenDTypesKeepsValues()
    {
        Tensor x = Tensor.FromArray([1.5, -2.25]);
        Assert.Equal([1.5f, -2.25f], x.To(DType.Float32).ToFloatArray());
        Assert.False(x.SetRequiresGrad().To(DType.Float32).RequiresGrad);
    }

    [Fact]
    public void BackwardAccumulatesIntoLeafGrads()
    {
        Tensor w = Tensor.FromArray([1.0, 2.0]).SetRequiresGrad();
        (w * w).Sum().Backward();
        Assert.Equal([2.0, 4.0], w.Grad!.ToDoubleArray());
        (w * 3.0).Sum().Backward();
        Assert.Equal([5.0, 7.0], w.Grad!.ToDoubleArray());
    }

    [Fact]
    public void FanOutGradientsAccumulate()
    {
        Tensor x = Tensor.FromArray([3.0]).SetRequiresGrad();
        Tensor y = x * x + x * 2.0 + x; // dy/dx = 2x + 3
        Assert.Equal(9.0, Autograd.Grad(y.Sum(), x).Item());
    }

    [Fact]
    public void DetachAndNoGradCutTheGraph()
    {
        Tensor x = Tensor.Ones(2).SetRequiresGrad();
        Assert.False(x.Detach().RequiresGrad);
        using (Autograd.NoGrad())
        {
            Assert.True((x * 2.0).IsLeaf);
        }
    }

    [Fact]
    public void DeepGraphsDoNotOverflowTheStack()
    {
        Tensor x = Tensor.FromArray([1.0]).SetRequiresGrad();
        Tensor y = x;
        for (int i = 0; i < 100_000; i++)
        {
            y = y + 1.0;
        }
        Assert.Equal(1.0, Autograd.Grad(y.Sum(), x).Item());
    }

    [Fact]
    public void MaxPropagatesNaNAndLogSumExpHandlesInfiniteRows()
    {
        Assert.True(double.IsNaN(Tensor.FromArray([1.0, double.NaN, 3.0]).Max().Item()));
        Tensor x = Tensor.FromArray([double.NegativeInfinity, double.NegativeInfinity, 0.0, 1.0], 2, 2);
        double[] lse = x.LogSumExp(1).ToDoubleArray();
        Assert.Equal(double.NegativeInfinity, lse[0]);
        Assert.Equal(Math.Log(1 + Math.E), lse[1], 12);
    }

    [Fact]
    public void BatchNormUpdatesRunningStatisticsLikePyTorch()
    {
        // Channel values 1..4: mean 2.5, unbiased variance 5/3.
        Tensor x = Tensor.FromArray([1.0, 2.0, 3.0, 4.0], 4, 1);
        var stats = new BatchNormStatistics(1, DType.Float64, momentum: 0.1);
        Functional.BatchNorm(x, statistics: stats);
        Assert.Equal(0.25, stats.Mean[0], 12);
        Assert.Equal(0.9 + 0.1 * 5.0 / 3.0, stats.Variance[0], 12);
        Assert.Equal(1, stats.BatchesTracked);
    }

    [Fact]
    public void DropoutKeepsTheExpectedFractionAndScales()
    {
        Tensor y = Functional.Dropout(Tensor.Ones(10_000), 0.25, new Rng(3));
        double[] v = y.ToDoubleArray();
        Assert.All(v, e => Assert.True(e == 0 || Math.Abs(e - 4.0 / 3.0) < 1e-6));
        Assert.InRange(v.Count(e => e == 0) / 10_000.0, 0.23, 0.27);
        Assert.Same(y, Functional.Dropout(y, 0.5, new Rng(1), training: false));
    }
}

namespace MetaLearn.NN.Tests;

public class BatchNormModeTests
{
    private static readonly Tensor X = Tensor.Normal(new Rng(1), [4, 2, 3, 3], mean: 3, std: 2);

    [Fact]
    public void BatchStatisticsModeIsTransductiveInBothModesAndKeepsNoBuffers()
    {
        var bn = new BatchNorm2d(2, BatchNormMode.BatchStatistics);
        Assert.Empty(bn.Buffers);
        Tensor train = bn.Forward(X, bn.Parameters, ForwardContext.Train);
        Tensor eval = bn.Forward(X, bn.Parameters, ForwardContext.Eval);
        Assert.Equal(train.ToFloatArray(), eval.ToFloatArray());
        Assert.InRange(train.Mean().Item(), -1e-5, 1e-5);
    }

    [Fact]
    public void RunningStatisticsModeUsesRunningAveragesInEvaluation()
    {
        var bn = new BatchNorm2d(2, BatchNormMode.RunningStatistics, momentum: 1.0);
        bn.Forward(X, bn.Parameters, ForwardContext.Train);
        Tensor eval = bn.Forward(X, bn.Parameters, ForwardContext.Eval);
        Tensor train = bn.Forward(X, bn.Parameters, ForwardContext.Train);
        // With momentum 1 the running mean is the batch mean, and the running variance is the unbiased batch variance.
        Assert.Equal(train.Mean().Item(), eval.Mean().Item(), 4);
        Assert.NotEqual(train.ToFloatArray(), eval.ToFloatArray());
        Assert.Equal(["running_mean", "running_var"], bn.Buffers.Names);
    }

    [Fact]
    public void PerStepModeKeepsOneSetOfStatisticsPerInnerStep()
    {
        var bn = new BatchNorm2d(2, BatchNormMode.PerStepStatistics, steps: 3);
        Assert.Equal(["running_mean.0", "running_var.0", "running_mean.1", "running_var.1", "running_mean.2", "running_var.2"], bn.Buffers.Names);
        bn.Forward(X, bn.Parameters, new ForwardContext { Step = 1 });
        Assert.Equal(0.0, bn.Statistics[0].Mean.Abs().Sum().Item());
        Assert.NotEqual(0.0, bn.Statistics[1].Mean.Abs().Sum().Item());
        Assert.Equal(0.0, bn.Statistics[2].Mean.Abs().Sum().Item());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => bn.Forward(X, bn.Parameters, new ForwardContext { Step = 3 }));
        Assert.Contains("step 3", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm2d(2, BatchNormMode.RunningStatistics, steps: 2));
    }
}

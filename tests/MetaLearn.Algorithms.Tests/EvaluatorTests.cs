namespace MetaLearn.Algorithms.Tests;

public class EvaluatorTests
{
    [Fact]
    public void ReportsMeanAndNormal95PercentIntervalOfEpisodeMetrics()
    {
        var learner = new Maml(Backbones.RegressionMlp(new Rng(2), hidden: 8), new MamlOptions { TestInnerSteps = 2 });
        EvaluationResult r = Evaluator.Evaluate(learner, learner.Init(), new SinusoidTasks(5, 10),
            new EvaluatorOptions { Episodes = 30, Seed = 5, BatchNorm = BatchNormAtTest.RunningStatistics });
        double mean = r.PerEpisode.Average();
        double sd = Math.Sqrt(r.PerEpisode.Sum(v => (v - mean) * (v - mean)) / 29);
        Assert.Equal(mean, r.Mean, 12);
        Assert.Equal(1.96 * sd / Math.Sqrt(30), r.Ci95, 12);
        Assert.Equal(BatchNormAtTest.RunningStatistics, r.BatchNorm);
        Assert.Equal("maml", r.Algorithm);
        Assert.False(r.HigherIsBetter);
        Assert.Contains("batch norm: running statistics", r.ToString());
        Assert.Equal(["mse", "loss"], r.Metrics.Select(m => m.Spec.Name));
        Assert.Equal(r["mse"].PerEpisode, r["loss"].PerEpisode);
        Assert.True(learner.Model.Training); // mode restored
    }

    [Fact]
    public void BatchNormSettingControlsTheModeAndRunningStatisticsAreRestored()
    {
        // A convnet with running statistics: evaluating in batch-statistics (training) mode must not leave changed buffers behind.
        Backbone net = Backbones.OmniglotConvNet(2, new Rng(1), hidden: 4, batchNorm: BatchNormMode.RunningStatistics, imageSize: 8);
        var learner = new Maml(net, new MamlOptions { InnerLearningRate = 0.1, TestInnerSteps = 1 });
        var data = new InMemoryDataset("img", [1, 8, 8], ["a", "b", "c"],
            Enumerable.Range(0, 3).Select(c => (IReadOnlyList<float[]>)Enumerable.Range(0, 3)
                .Select(i => Enumerable.Range(0, 64).Select(k => (float)((k * (c + 1) + i) % 7) / 7).ToArray()).ToList()).ToList());
        TaskSampler tasks = TestData.Sampler(data, 2, 1, 2);
        double[] before = TestData.Values(net.Buffers);
        EvaluationResult transductive = Evaluator.Evaluate(learner, learner.Init(), tasks, new EvaluatorOptions { Episodes = 4, BatchNorm = BatchNormAtTest.SupportStatistics });
        EvaluationResult running = Evaluator.Evaluate(learner, learner.Init(), tasks, new EvaluatorOptions { Episodes = 4, BatchNorm = BatchNormAtTest.RunningStatistics });
        Assert.Equal(before, TestData.Values(net.Buffers));
        Assert.Equal("accuracy", transductive.Metric);
        Assert.Contains("bn=RunningStatistics", transductive.Architecture);
        Assert.NotNull(running);
    }
}

using Xunit.Abstractions;

namespace MetaLearn.Algorithms.Tests;

/// <summary>
/// Seeded short runs: each learner's validation metric on held-out tasks must improve on the untrained model.
/// Small settings (tens of meta-steps, small meta-batches) keep each under a few seconds.
/// </summary>
public class LearningTests(ITestOutputHelper output)
{
    private static readonly SinusoidTasks Sinusoids = new(shots: 10, queries: 10);

    private static EvaluatorOptions Validation(int episodes) => new() { Episodes = episodes, Seed = 99, BatchNorm = BatchNormAtTest.SupportStatistics };

    private (double Before, double After, LearnerState State) Run(IMetaLearner learner, ITaskSource<ITask> train, ITaskSource<ITask> validation,
        int steps, int metaBatch, int episodes = 50)
    {
        double before = Evaluator.Evaluate(learner, learner.Init(), validation, Validation(episodes)).Mean;
        var trainer = new MetaTrainer(learner, train, validation, new MetaTrainerOptions
        {
            Steps = steps, MetaBatchSize = metaBatch, Seed = 7, ValidationInterval = steps, ValidationEpisodes = episodes, ValidationSeed = 99,
        });
        TrainingSummary summary = trainer.Run();
        double after = summary.LastValidation!.Mean;
        output.WriteLine($"{learner.Name}: validation {before:F4} -> {after:F4} in {summary.Elapsed.TotalSeconds:F1}s");
        return (before, after, summary.State);
    }

    [Fact]
    public void MamlLearnsSinusoids()
    {
        var learner = new Maml(Backbones.RegressionMlp(new Rng(1)), new MamlOptions { InnerLearningRate = 0.01, TrainInnerSteps = 1, TestInnerSteps = 5, Outer = new() { LearningRate = 0.005 } });
        (double before, double after, _) = Run(learner, Sinusoids, Sinusoids, steps: 60, metaBatch: 8);
        Assert.True(after < 0.8 * before, $"MSE {before} -> {after}");
    }

    [Fact]
    public void FomamlLearnsSinusoids()
    {
        var learner = new Maml(Backbones.RegressionMlp(new Rng(1)), new MamlOptions { InnerLearningRate = 0.01, FirstOrder = true, TestInnerSteps = 5, Outer = new() { LearningRate = 0.005 } });
        (double before, double after, _) = Run(learner, Sinusoids, Sinusoids, steps: 60, metaBatch: 8);
        Assert.True(after < 0.8 * before, $"MSE {before} -> {after}");
    }

    [Fact]
    public void MetaSgdLearnsSinusoids()
    {
        var learner = new MetaSgd(Backbones.RegressionMlp(new Rng(1)), new MetaSgdOptions { InitialInnerLearningRate = 0.01, Outer = new() { LearningRate = 0.005 } });
        ParameterSet ratesBefore = MetaSgd.Rates(learner.Init());
        (double before, double after, LearnerState state) = Run(learner, Sinusoids, Sinusoids, steps: 60, metaBatch: 8);
        Assert.True(after < 0.8 * before, $"MSE {before} -> {after}");
        Assert.NotEqual(TestData.Values(ratesBefore), TestData.Values(MetaSgd.Rates(state)));
    }

    [Fact]
    public void ReptileLearnsSinusoids()
    {
        var learner = new Reptile(Backbones.RegressionMlp(new Rng(1)), new ReptileOptions
        {
            InnerLearningRate = 0.02, TrainInnerSteps = 8, TestInnerSteps = 8, MetaStepSize = 1.0, FinalMetaStepSize = 0.1, AnnealSteps = 60,
        });
        (double before, double after, _) = Run(learner, Sinusoids, Sinusoids, steps: 60, metaBatch: 5);
        Assert.True(after < 0.8 * before, $"MSE {before} -> {after}");
    }

    [Fact]
    public void AnilLearnsClusterClassification()
    {
        var rng = new Rng(5);
        TaskSampler train = TestData.Sampler(TestData.Clusters("train", 30, 10, 16, 4, 2.0, rng), 5, 1, 5);
        TaskSampler validation = TestData.Sampler(TestData.Clusters("val", 10, 10, 16, 4, 2.0, rng), 5, 1, 5);
        var learner = new Anil(Backbones.RegressionMlp(new Rng(2), inFeatures: 16, hidden: 32, outFeatures: 5),
            new MamlOptions { InnerLearningRate = 0.5, TrainInnerSteps = 3, TestInnerSteps = 5, Outer = new() { LearningRate = 0.003 } });
        (double before, double after, _) = Run(learner, train, validation, steps: 80, metaBatch: 8, episodes: 100);
        Assert.True(after > before + 0.05, $"accuracy {before} -> {after}");
    }

    [Fact]
    public void ProtoNetLearnsClusterClassificationTrainingWithMoreWaysThanTesting()
    {
        var rng = new Rng(5);
        TaskSampler train = TestData.Sampler(TestData.Clusters("train", 30, 10, 16, 4, 2.0, rng), 10, 1, 5);
        TaskSampler validation = TestData.Sampler(TestData.Clusters("val", 10, 10, 16, 4, 2.0, rng), 5, 1, 5);
        var r = new Rng(2);
        var encoder = new Sequential(new Linear(16, 32, r), new ReLU(), new Linear(32, 16, r));
        var learner = new ProtoNet(encoder, new ProtoNetOptions { Outer = new() { LearningRate = 0.003 } });
        (double before, double after, _) = Run(learner, train, validation, steps: 80, metaBatch: 4, episodes: 100);
        Assert.True(after > before + 0.05, $"accuracy {before} -> {after}");
    }
}

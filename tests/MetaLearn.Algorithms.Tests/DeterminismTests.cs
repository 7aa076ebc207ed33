namespace MetaLearn.Algorithms.Tests;

/// <summary>A seed gives bit-identical parameters whatever the number of threads running the tasks of a meta-batch.</summary>
public class DeterminismTests
{
    private static double[] Train(Func<IMetaLearner> make, ITaskSource<ITask> tasks, int threads)
    {
        IMetaLearner learner = make();
        TrainingSummary run = new MetaTrainer(learner, tasks, null,
            new MetaTrainerOptions { Steps = 3, MetaBatchSize = 6, Seed = 11, MaxDegreeOfParallelism = threads }).Run();
        return TestData.Values(run.State.Parameters);
    }

    [Fact]
    public void SecondOrderMamlIsIdenticalOnOneAndTwoThreads()
    {
        var tasks = new SinusoidTasks(5, 5);
        IMetaLearner Make() => new Maml(Backbones.RegressionMlp(new Rng(4)), new MamlOptions { TrainInnerSteps = 2, Outer = new() { LearningRate = 0.01 } });
        double[] one = Train(Make, tasks, 1), two = Train(Make, tasks, 2);
        Assert.Equal(one, two);
        Assert.NotEqual(TestData.Values(Make().Init().Parameters), one); // it did train
    }

    [Fact]
    public void ProtoNetIsIdenticalOnOneAndTwoThreads()
    {
        TaskSampler tasks = TestData.Sampler(TestData.Clusters("c", 12, 6, 8, 3, 1.0, new Rng(8)), 4, 2, 3);
        IMetaLearner Make()
        {
            var r = new Rng(4);
            return new ProtoNet(new Sequential(new Linear(8, 16, r), new ReLU(), new Linear(16, 8, r)), new ProtoNetOptions { Outer = new() { LearningRate = 0.01 } });
        }
        Assert.Equal(Train(Make, tasks, 1), Train(Make, tasks, 2));
    }

    [Fact]
    public void EvaluationIsIdenticalOnOneAndTwoThreads()
    {
        var learner = new Maml(Backbones.RegressionMlp(new Rng(4)), new MamlOptions { TestInnerSteps = 3 });
        var tasks = new SinusoidTasks(5, 10);
        EvaluationResult a = Evaluator.Evaluate(learner, learner.Init(), tasks, new EvaluatorOptions { Episodes = 20, BatchNorm = BatchNormAtTest.SupportStatistics, MaxDegreeOfParallelism = 1 });
        EvaluationResult b = Evaluator.Evaluate(learner, learner.Init(), tasks, new EvaluatorOptions { Episodes = 20, BatchNorm = BatchNormAtTest.SupportStatistics, MaxDegreeOfParallelism = 2 });
        Assert.Equal(a.PerEpisode, b.PerEpisode);
        Assert.Equal(a["loss"].PerEpisode, b["loss"].PerEpisode);
        Assert.Equal("mse", a.Metric);
        Assert.Equal(BatchNormAtTest.SupportStatistics, a.BatchNorm);
    }
}

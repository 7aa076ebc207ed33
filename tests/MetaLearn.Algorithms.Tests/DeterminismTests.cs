namespace MetaLearn.Algorithms.Tests;

/// <summary>A seed gives bit-identical parameters whatever the number of threads running the tasks of a meta-batch.</summary>
public class DeterminismTests
{
    private static double[] Train(Func<int, IMetaLearner> make, ITaskSource tasks, int threads)
    {
        IMetaLearner learner = make(threads);
        new MetaTrainer(learner, tasks, null, Optimizers.Adam(0.01), new MetaTrainerOptions { Steps = 3, MetaBatchSize = 6, Seed = 11 }).Run();
        return TestData.Values(learner.Parameters);
    }

    [Fact]
    public void SecondOrderMamlIsIdenticalOnOneAndTwoThreads()
    {
        var tasks = new SinusoidTasks(5, 5);
        IMetaLearner Make(int threads) => new Maml(Backbones.RegressionMlp(new Rng(4)),
            new MamlOptions { TrainInnerSteps = 2, MaxDegreeOfParallelism = threads });
        double[] one = Train(Make, tasks, 1), two = Train(Make, tasks, 2);
        Assert.Equal(one, two);
        Assert.NotEqual(TestData.Values(Make(1).Parameters), one); // it did train
    }

    [Fact]
    public void ProtoNetIsIdenticalOnOneAndTwoThreads()
    {
        TaskSampler tasks = TestData.Sampler(TestData.Clusters("c", 12, 6, 8, 3, 1.0, new Rng(8)), 4, 2, 3);
        IMetaLearner Make(int threads)
        {
            var r = new Rng(4);
            return new ProtoNet(new Sequential(new Linear(8, 16, r), new ReLU(), new Linear(16, 8, r)), new ProtoNetOptions { MaxDegreeOfParallelism = threads });
        }
        Assert.Equal(Train(Make, tasks, 1), Train(Make, tasks, 2));
    }

    [Fact]
    public void EvaluationIsIdenticalOnOneAndTwoThreads()
    {
        var learner = new Maml(Backbones.RegressionMlp(new Rng(4)), new MamlOptions { TestInnerSteps = 3 });
        var tasks = new SinusoidTasks(5, 10);
        EvaluationResult a = Evaluator.Evaluate(learner, tasks, new EvaluatorOptions { Episodes = 20, BatchNorm = BatchNormAtTest.BatchStatistics, MaxDegreeOfParallelism = 1 });
        EvaluationResult b = Evaluator.Evaluate(learner, tasks, new EvaluatorOptions { Episodes = 20, BatchNorm = BatchNormAtTest.BatchStatistics, MaxDegreeOfParallelism = 2 });
        Assert.Equal(a.PerEpisode, b.PerEpisode);
        Assert.Equal("mse", a.Metric);
        Assert.Equal(BatchNormAtTest.BatchStatistics, a.BatchNorm);
    }
}

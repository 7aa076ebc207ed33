using System.Runtime.CompilerServices;

namespace MetaLearn.Algorithms.Tests;

internal static class PoolPoisoning
{
    /// <summary>Memory that ended task scopes give back is filled with NaN, so a learner that read it would fail these tests.</summary>
    [ModuleInitializer]
    internal static void Enable() => StoragePool.PoisonReturned = true;
}

/// <summary>
/// The learners run each task (and each evaluation episode) in a <see cref="TensorScope"/> whose memory the next task reuses.
/// A convnet large enough for its activations to be pooled must give the same, finite results on fresh and reused memory.
/// </summary>
public class TensorScopeTests
{
    private static TaskSampler Images(Rng rng)
    {
        var samples = Enumerable.Range(0, 5).Select(c => (IReadOnlyList<float[]>)Enumerable.Range(0, 4)
            .Select(_ => Enumerable.Range(0, 144).Select(k => (float)(((k * (c + 2)) % 11) / 11.0 + 0.2 * rng.NextNormal())).ToArray()).ToList()).ToList();
        return TestData.Sampler(new InMemoryDataset("img", [1, 12, 12], ["a", "b", "c", "d", "e"], samples), 3, 1, 3);
    }

    private static Maml Learner() => new(Backbones.OmniglotConvNet(3, new Rng(2), hidden: 16, imageSize: 12),
        new MamlOptions { InnerLearningRate = 0.4, TrainInnerSteps = 1, TestInnerSteps = 1 });

    [Fact]
    public void SecondOrderMamlMetaStepsAreTheSameOnReusedMemoryAndOnAnyThreadCount()
    {
        IReadOnlyList<FewShotTask> batch = Images(new Rng(5)).SampleBatch(new Rng(6), 4);
        double[] Step(Maml learner, int threads) => TestData.Gradient(learner, threads, [.. batch]).Gradient.Tensors.SelectMany(t => t.ToDoubleArray()).ToArray();

        Maml one = Learner();
        double[] first = Step(one, 1), again = Step(one, 1), twoThreads = Step(Learner(), 2);
        Assert.All(first, v => Assert.True(double.IsFinite(v)));
        Assert.Contains(first, v => v != 0);
        Assert.Equal(first, again);
        Assert.Equal(first, twoThreads);
    }

    [Fact]
    public void EvaluationEpisodesAreTheSameOnReusedMemory()
    {
        TaskSampler tasks = Images(new Rng(7));
        var options = new EvaluatorOptions { Episodes = 6, BatchNorm = BatchNormAtTest.SupportStatistics, MaxDegreeOfParallelism = 2 };
        Maml learner = Learner();
        IReadOnlyList<double> a = Evaluator.Evaluate(learner, learner.Init(), tasks, options).PerEpisode, b = Evaluator.Evaluate(learner, learner.Init(), tasks, options).PerEpisode;
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.InRange(v, 0, 1));
    }
}

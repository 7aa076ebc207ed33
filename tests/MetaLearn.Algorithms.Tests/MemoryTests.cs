namespace MetaLearn.Algorithms.Tests;

/// <summary>
/// Graphs must not outlive their meta-step: learn2learn once leaked every step's graph through cloned modules.
/// After warm-up, the managed heap (measured after a full collection) must stay flat over many second-order steps.
/// The long version (70,000 steps with RSS samples) is recorded in RESULTS.md.
/// Runs alone: arrays that other tests' tensor scopes give back stay in the (global) pool, which is not this learner's
/// graph, so the pool is emptied before each measurement too.
/// </summary>
[Collection(nameof(MemoryTests))]
public class MemoryTests
{
    [Fact]
    public void SecondOrderMamlDoesNotGrowTheManagedHeap()
    {
        var learner = new Maml(Backbones.RegressionMlp(new Rng(1)), new MamlOptions { TrainInnerSteps = 2 });
        var trainer = new MetaTrainer(learner, new SinusoidTasks(5, 5), null, new MetaTrainerOptions { Steps = 300, MetaBatchSize = 2 });
        trainer.Run();
        long warm = Heap();
        var longer = new MetaTrainer(learner, new SinusoidTasks(5, 5), null, new MetaTrainerOptions { Steps = 1000, MetaBatchSize = 2, Seed = 1 });
        longer.Run();
        long after = Heap();
        Assert.True(after < warm + 2_000_000, $"managed heap grew from {warm} to {after} bytes over 1,000 meta-steps");
    }

    private static long Heap()
    {
        TensorScope.ReleasePooledMemory();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public sealed class MemoryTestsCollection
{
}

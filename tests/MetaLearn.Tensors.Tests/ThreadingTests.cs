namespace MetaLearn.Tensors.Tests;

public class ThreadingTests
{
    /// <summary>A second-order computation on its own graph: the gradient of a gradient norm.</summary>
    private static double[] Work(Tensor sharedWeights, int seed)
    {
        var rng = new Rng((ulong)seed);
        Tensor x = Tensor.Normal(rng, [16, 8]);
        Tensor w = sharedWeights.Detach().SetRequiresGrad();
        Tensor loss = Functional.Linear(x, w).Tanh().Square().Mean();
        Tensor g = Autograd.Grad(loss, w, createGraph: true);
        Tensor penalty = g.Square().Sum();
        return Autograd.Grad(penalty, w).ToDoubleArray();
    }

    [Fact]
    public void ConcurrentGraphsGiveTheSameResultsAsSequentialOnes()
    {
        Tensor weights = Tensor.Normal(new Rng(1), [4, 8]);
        const int tasks = 8;
        double[][] sequential = Enumerable.Range(0, tasks).Select(i => Work(weights, i)).ToArray();

        var concurrent = new double[tasks][];
        using var start = new Barrier(2);
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int rep = 0; rep < 20; rep++)
            {
                for (int i = t; i < tasks; i += 2)
                {
                    concurrent[i] = Work(weights, i);
                }
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        for (int i = 0; i < tasks; i++)
        {
            Assert.Equal(sequential[i], concurrent[i]);
        }
    }

    [Fact]
    public void NoGradIsScopedToItsThread()
    {
        Tensor x = Tensor.Ones(2).SetRequiresGrad();
        using (Autograd.NoGrad())
        {
            Assert.False((x * 2.0).RequiresGrad);
            bool other = false;
            var thread = new Thread(() => other = (x * 2.0).RequiresGrad);
            thread.Start();
            thread.Join();
            Assert.True(other);
        }
        Assert.True((x * 2.0).RequiresGrad);
    }
}

using System.Runtime.CompilerServices;

namespace MetaLearn.Tensors.Tests;

internal static class PoolPoisoning
{
    /// <summary>Every test in this assembly runs with returned pool memory filled with NaN, so a read of memory an op did not write shows up.</summary>
    [ModuleInitializer]
    internal static void Enable() => StoragePool.PoisonReturned = true;
}

public class TensorScopeTests
{
    private static Tensor Big(double value) => Tensor.Full([40, 40], value); // 1,600 elements: pooled inside a scope

    [Fact]
    public void ATensorOfAnEndedScopeThrowsWhenReadAndAKeptOneDoesNot()
    {
        Tensor dropped, kept, keptView;
        using (TensorScope scope = TensorScope.Begin())
        {
            dropped = Big(1) * 2;
            kept = scope.Keep(Big(1) * 3);
            keptView = kept.Reshape(1600);
        }
        var e = Assert.Throws<InvalidOperationException>(() => dropped.ToDoubleArray());
        Assert.Contains("TensorScope that has ended", e.Message);
        Assert.Contains("scope.Keep(tensor)", e.Message);
        Assert.Contains("[40, 40]", e.Message);
        Assert.All(kept.ToDoubleArray(), v => Assert.Equal(3.0, v));
        Assert.All(keptView.ToDoubleArray(), v => Assert.Equal(3.0, v));
    }

    [Fact]
    public void SmallTensorsAndArraysFromOutsideAreNeverTaken()
    {
        Tensor outside = Big(5), small, fromArray;
        using (TensorScope.Begin())
        {
            small = Tensor.Full([10], 2) + 1; // below the pooling size
            fromArray = Tensor.FromArray(new float[2000]);
            _ = outside * 2;
        }
        Assert.Equal(3.0, small[9]);
        Assert.Equal(0.0, fromArray[1999]);
        Assert.Equal(5.0, outside[1599]);
    }

    [Fact]
    public void TheNextScopeReusesTheMemoryAndZerosWhatMustBeZero()
    {
        // Run the same shapes twice: the second scope gets the first one's (poisoned) arrays back, and a zeroed
        // tensor from a reused array must still be all zeros.
        for (int round = 0; round < 2; round++)
        {
            using TensorScope scope = TensorScope.Begin();
            Tensor z = Tensor.Zeros(33, 50);
            Assert.All(z.ToDoubleArray(), v => Assert.Equal(0.0, v));
            Assert.Equal(1650.0, (z + 1).Sum().Item());
        }
    }

    [Fact]
    public void ReusedMemoryIsHandedToTheNextScope()
    {
        Array array;
        using (TensorScope.Begin())
        {
            array = (Big(1) + 1).Data;
        }
        using (TensorScope.Begin())
        {
            // The same size class, on the same thread, right after: the pool hands the array back (or one like it,
            // if another test returned arrays of that class in between); either way it is not a fresh allocation.
            Tensor t = Big(0) + 7;
            Assert.Equal(array.Length, t.Data.Length);
            Assert.Equal(StoragePool.Capacity(1600), t.Data.Length);
            Assert.All(t.ToDoubleArray(), v => Assert.Equal(7.0, v));
        }
    }

    [Fact]
    public void KeepInANestedScopeHandsTheMemoryToTheEnclosingOne()
    {
        Tensor t;
        using (TensorScope outer = TensorScope.Begin())
        {
            using (TensorScope inner = TensorScope.Begin())
            {
                t = inner.Keep(Big(2) * 2);
            }
            Assert.Equal(4.0, t[0]); // alive after the inner scope
        }
        Assert.Throws<InvalidOperationException>(() => t[0]); // gone with the outer one
    }

    [Fact]
    public void ScopesEndInnermostFirstOnTheirOwnThread()
    {
        TensorScope outer = TensorScope.Begin();
        TensorScope inner = TensorScope.Begin();
        var e = Assert.Throws<InvalidOperationException>(outer.Dispose);
        Assert.Contains("innermost first", e.Message);
        Exception? fromOtherThread = null;
        var thread = new Thread(() => fromOtherThread = Record.Exception(inner.Dispose));
        thread.Start();
        thread.Join();
        Assert.Contains("thread that began it", Assert.IsType<InvalidOperationException>(fromOtherThread).Message);
        inner.Dispose();
        outer.Dispose();
        outer.Dispose(); // a second dispose does nothing
        Assert.Throws<InvalidOperationException>(() => outer.Keep(Big(1)));
    }

    [Fact]
    public void BackwardThroughAGraphOfAnEndedScopeNamesTheProblem()
    {
        Tensor w = Tensor.Full([40, 40], 0.5).SetRequiresGrad();
        Tensor loss;
        using (TensorScope scope = TensorScope.Begin())
        {
            loss = scope.Keep(((w * w).Exp() * 2).Sum());
        }
        var e = Assert.Throws<InvalidOperationException>(() => Autograd.Grad(loss, w));
        Assert.Contains("TensorScope that has ended", e.Message);
    }

    [Fact]
    public void AFirstOrderPassGivesGradientsBackEarlyWithoutLosingSharedOnes()
    {
        // Fan-out, a rule that hands one gradient to two inputs (a + a), views (reshape) and broadcast sums: the
        // walk must not give back memory that a pending gradient still shares.
        Tensor x = Tensor.Uniform(new Rng(4), [40, 40], -1, 1).SetRequiresGrad();
        Tensor b = Tensor.Uniform(new Rng(5), [40], -1, 1).SetRequiresGrad();
        double[] Gradients()
        {
            Tensor h = x.Reshape(1600);
            Tensor u = h + h;
            Tensor v = (u * x.Reshape(1600)).Reshape(40, 40) + x + b;
            Tensor w = (v * 0.1).Exp();
            Tensor z = w.Sum(0) + w.Sum(1) + w.Reshape(1600).Slice(0, 0, 40);
            return Autograd.Grad((z * z).Sum(), [x, b]).SelectMany(t => t.ToDoubleArray()).ToArray();
        }
        double[] reference = Gradients();
        for (int round = 0; round < 2; round++)
        {
            using TensorScope scope = TensorScope.Begin();
            Assert.Equal(reference, Gradients());
        }
    }

    [Fact]
    public void BackwardInsideAScopeLeavesLeafGradientsThatOutliveIt()
    {
        Tensor x = Tensor.Full([40, 40], 2).SetRequiresGrad();
        using (TensorScope.Begin())
        {
            (x * x).Sum().Backward();
            (x * 3).Sum().Backward();
        }
        Assert.All(x.Grad!.ToDoubleArray(), v => Assert.Equal(7.0, v));
    }

    [Fact]
    public void SavedPositionsAreLentByTheScopeLikeTensors()
    {
        Positions inside, small, outside = Positions.Allocate(5000);
        using (TensorScope.Begin())
        {
            inside = Positions.Allocate(5000);
            small = Positions.Allocate(10);
            inside.Span.Fill(3);
            Assert.Equal(5000, inside.Span.Length);
        }
        Assert.Contains("TensorScope that has ended", Assert.Throws<InvalidOperationException>(() => inside.Span.Length).Message);
        Assert.Equal(10, small.Span.Length); // below the pooling size: the collector's
        Assert.Equal(5000, outside.Span.Length);
    }

    [Fact]
    public void RunningStatisticsUpdatedInsideAScopeOutliveIt()
    {
        var stats = new BatchNormStatistics(2048);
        Tensor x = Tensor.Uniform(new Rng(1), [4, 2048, 1, 1]);
        using (TensorScope.Begin())
        {
            Functional.BatchNorm(x, null, null, stats, training: true);
        }
        Assert.Equal(0.1 * x.Mean([0, 2, 3]).ToDoubleArray()[7], stats.Mean[7], 6);
        Assert.True(stats.Variance[2047] > 0);
    }

    [Fact]
    public void SecondOrderConvNetGradientsAreBitIdenticalInsideAndOutsideAScope()
    {
        // The convnet MAML task of the benchmarks, small: every pooled op (conv, batch norm, pooling, their
        // first- and second-order backward rules) runs on reused, NaN-poisoned memory in the second scope.
        var rng = new Rng(3);
        Tensor[] p =
        [
            Tensor.Uniform(rng, [16, 1, 3, 3], -0.3, 0.3).SetRequiresGrad(), Tensor.Zeros(16).SetRequiresGrad(),
            Tensor.Ones(16).SetRequiresGrad(), Tensor.Zeros(16).SetRequiresGrad(),
            Tensor.Uniform(rng, [16, 16, 3, 3], -0.1, 0.1).SetRequiresGrad(), Tensor.Zeros(16).SetRequiresGrad(),
            Tensor.Uniform(rng, [3, 16 * 4 * 4], -0.1, 0.1).SetRequiresGrad(), Tensor.Zeros(3).SetRequiresGrad(),
        ];
        Tensor xs = Tensor.Uniform(rng, [3, 1, 16, 16]), xq = Tensor.Uniform(rng, [6, 1, 16, 16]);
        int[] ys = [0, 1, 2], yq = [0, 0, 1, 1, 2, 2];

        Tensor Net(Tensor[] q, Tensor x)
        {
            x = Functional.MaxPool2d(Functional.BatchNorm(Functional.Conv2d(x, q[0], q[1], padding: 1), q[2], q[3]), 2).Relu();
            x = Functional.MaxPool2d(Functional.Conv2d(x, q[4], q[5], padding: 1), 2).Relu();
            return Functional.Linear(x.Flatten(1), q[6], q[7]);
        }
        double[] MetaGradient()
        {
            Tensor[] g = Autograd.Grad(Functional.CrossEntropy(Net(p, xs), ys), p, createGraph: true);
            Tensor[] fast = p.Zip(g, (w, gw) => w - 0.4 * gw).ToArray();
            return Autograd.Grad(Functional.CrossEntropy(Net(fast, xq), yq), p).SelectMany(t => t.ToDoubleArray()).ToArray();
        }

        double[] reference = MetaGradient();
        for (int round = 0; round < 2; round++)
        {
            using TensorScope scope = TensorScope.Begin();
            Assert.Equal(reference, MetaGradient());
        }
        Assert.All(reference, v => Assert.True(double.IsFinite(v)));
    }
}

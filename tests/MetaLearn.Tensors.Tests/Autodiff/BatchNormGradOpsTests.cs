using MetaLearn.Kernels;
using MetaLearn.Tensors.Ops;

namespace MetaLearn.Tensors.Tests.Autodiff;

/// <summary>The recorded batch-norm gradient ops, applied on their own (statistics computed from <c>x</c>).</summary>
internal static class BatchNormGradOps
{
    private const double Eps = 1e-5;

    public static Tensor InputGrad(Tensor x, Tensor g, Tensor weight)
    {
        (Tensor mean, Tensor variance) = Statistics(x);
        return BatchNormInputGrad.Apply(x, g, weight, Eps, mean, variance);
    }

    public static Tensor WeightGrad(Tensor x, Tensor g)
    {
        (Tensor mean, Tensor variance) = Statistics(x);
        return BatchNormWeightGrad.Apply(x, g, Eps, mean, variance);
    }

    private static (Tensor Mean, Tensor Variance) Statistics(Tensor x)
    {
        using (Autograd.NoGrad())
        {
            int channels = x.Shape[1];
            (_, Tensor mean, Tensor variance) = BatchNormOp.Apply(x, Tensor.Ones([channels], x.DType), Tensor.Zeros([channels], x.DType), Eps);
            return (mean, variance);
        }
    }
}

public class BatchNormGradOpsTests
{
    private static Tensor R(int seed, params int[] shape) => Tensor.Normal(new Rng((ulong)seed), shape, dtype: DType.Float64);

    /// <summary>
    /// The backward of each gradient op has two implementations: a fused kernel (used when the backward is not
    /// recorded) and tensor ops (used when it is). The grad checks differentiate each one, so here their values must agree.
    /// </summary>
    [Theory]
    [InlineData(new[] { 4, 3, 2, 3 })]
    [InlineData(new[] { 6, 2 })]
    public void FusedAndRecordedBackwardsAgree(int[] shape)
    {
        Tensor x = R(1, shape) * 2.0 + 0.5, g = R(2, shape), a = R(3, shape), b = R(4, shape[1]);
        Tensor weight = R(5, shape[1]);

        Tensor[] Grads(bool createGraph)
        {
            Tensor[] leaves = [x.Detach().SetRequiresGrad(), g.Detach().SetRequiresGrad(), weight.Detach().SetRequiresGrad()];
            Tensor loss = (BatchNormGradOps.InputGrad(leaves[0], leaves[1], leaves[2]) * a).Sum()
                + (BatchNormGradOps.WeightGrad(leaves[0], leaves[1]) * b).Sum();
            return Autograd.Grad(loss, leaves, createGraph: createGraph);
        }

        Tensor[] fused = Grads(createGraph: false), recorded = Grads(createGraph: true);
        for (int i = 0; i < fused.Length; i++)
        {
            double[] f = fused[i].ToDoubleArray(), r = recorded[i].ToDoubleArray();
            Assert.Equal(r.Length, f.Length);
            for (int j = 0; j < f.Length; j++)
            {
                Assert.True(Math.Abs(f[j] - r[j]) <= 1e-10 * (1 + Math.Abs(r[j])), $"input {i}, element {j}: fused {f[j]:G17} vs recorded {r[j]:G17}");
            }
            Assert.Contains(f, v => v != 0); // the comparison means something only if the gradient is not all zero
        }
    }

    /// <summary>In float32 the fused double backward agrees with the float64 one to single precision.</summary>
    [Fact]
    public void Float32DoubleBackwardMatchesFloat64()
    {
        int[] shape = [5, 4, 3, 3];
        Tensor x = R(11, shape) * 3.0 + 1.0, g = R(12, shape), a = R(13, shape), weight = R(14, 4);

        double[][] Grads(DType dtype)
        {
            Tensor[] leaves = [x.To(dtype).SetRequiresGrad(), g.To(dtype).SetRequiresGrad(), weight.To(dtype).SetRequiresGrad()];
            Tensor loss = (BatchNormGradOps.InputGrad(leaves[0], leaves[1], leaves[2]) * a.To(dtype)).Sum();
            return Autograd.Grad(loss, leaves).Select(t => t.ToDoubleArray()).ToArray();
        }

        double[][] single = Grads(DType.Float32), reference = Grads(DType.Float64);
        for (int i = 0; i < reference.Length; i++)
        {
            double scale = reference[i].Max(Math.Abs);
            for (int j = 0; j < reference[i].Length; j++)
            {
                Assert.True(Math.Abs(single[i][j] - reference[i][j]) <= 1e-4 * scale, $"input {i}, element {j}: {single[i][j]:G9} vs {reference[i][j]:G17}");
            }
        }
    }
}

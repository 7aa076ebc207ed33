namespace MetaLearn.Optim.Tests;

/// <summary>
/// Differentiating through an inner loop (second-order MAML on linear regression, float64): the meta-gradient through
/// the optimizer transforms equals the one through a hand-written inner loop and central finite differences.
/// </summary>
public class MetaGradientTests
{
    private const int InnerSteps = 3;
    private static readonly Rng Seed = new(42);
    private static readonly Tensor SupportX = Tensor.Normal(Seed, [8, 3], dtype: DType.Float64);
    private static readonly Tensor SupportY = Tensor.Normal(Seed, [8, 1], dtype: DType.Float64);
    private static readonly Tensor QueryX = Tensor.Normal(Seed, [6, 3], dtype: DType.Float64);
    private static readonly Tensor QueryY = Tensor.Normal(Seed, [6, 1], dtype: DType.Float64);

    private static ParameterSet Theta() => ParameterSet.Of(
        ("w", Tensor.FromArray([0.3, -0.2, 0.5], 3, 1)),
        ("b", Tensor.FromArray([0.1], 1))).AsLeaves();

    private static Tensor Loss(ParameterSet p, Tensor x, Tensor y) => (x.MatMul(p["w"]) + p["b"] - y).Square().Mean();

    /// <summary>The query loss after an inner loop run by <paramref name="optimizer"/>, with gradients taken with createGraph.</summary>
    private static Tensor MetaLoss(IGradientTransformation optimizer, ParameterSet theta)
    {
        ParameterSet p = theta;
        ParameterSet state = optimizer.Init(theta);
        for (int k = 0; k < InnerSteps; k++)
        {
            Tensor[] g = Autograd.Grad(Loss(p, SupportX, SupportY), p.Tensors, createGraph: true);
            (p, state) = optimizer.Step(p, ParameterSet.Of(("w", g[0]), ("b", g[1])), state);
        }
        return Loss(p, QueryX, QueryY);
    }

    /// <summary>Closed-form gradient of the mean squared error of a linear model: 2/n X^T r and 2/n sum(r).</summary>
    private static (Tensor Gw, Tensor Gb) HandGradient(Tensor w, Tensor b)
    {
        Tensor r = SupportX.MatMul(w) + b - SupportY;
        double n = SupportX.Shape[0];
        return (SupportX.T.MatMul(r) * (2 / n), r.Sum(0) * (2 / n));
    }

    private static Tensor HandSgdMetaLoss(ParameterSet theta, double lr)
    {
        Tensor w = theta["w"], b = theta["b"];
        for (int k = 0; k < InnerSteps; k++)
        {
            (Tensor gw, Tensor gb) = HandGradient(w, b);
            w -= lr * gw;
            b -= lr * gb;
        }
        return Loss(ParameterSet.Of(("w", w), ("b", b)), QueryX, QueryY);
    }

    private static Tensor HandAdamMetaLoss(ParameterSet theta, double lr, double b1, double b2, double eps)
    {
        Tensor w = theta["w"], b = theta["b"];
        Tensor mw = Tensor.ZerosLike(w), vw = Tensor.ZerosLike(w), mb = Tensor.ZerosLike(b), vb = Tensor.ZerosLike(b);
        for (int t = 1; t <= InnerSteps; t++)
        {
            (Tensor gw, Tensor gb) = HandGradient(w, b);
            mw = b1 * mw + (1 - b1) * gw;
            vw = b2 * vw + (1 - b2) * gw * gw;
            mb = b1 * mb + (1 - b1) * gb;
            vb = b2 * vb + (1 - b2) * gb * gb;
            double c1 = 1 - Math.Pow(b1, t), c2 = 1 - Math.Pow(b2, t);
            w -= lr * (mw / c1) / ((vw / c2).Sqrt() + eps);
            b -= lr * (mb / c1) / ((vb / c2).Sqrt() + eps);
        }
        return Loss(ParameterSet.Of(("w", w), ("b", b)), QueryX, QueryY);
    }

    [Fact]
    public void SgdInnerLoopMetaGradientMatchesHandWrittenAndFiniteDifferences()
    {
        const double lr = 0.1;
        Check(() => Optimizers.Sgd(lr), theta => HandSgdMetaLoss(theta, lr));
    }

    [Fact]
    public void SgdWithMomentumInnerLoopMetaGradientMatchesFiniteDifferences()
    {
        Check(() => Optimizers.Sgd(0.05, momentum: 0.9, nesterov: true), hand: null);
    }

    [Fact]
    public void AdamInnerLoopMetaGradientMatchesHandWrittenAndFiniteDifferences()
    {
        Check(() => Optimizers.Adam(0.05, 0.9, 0.99, 1e-3), theta => HandAdamMetaLoss(theta, 0.05, 0.9, 0.99, 1e-3));
    }

    [Fact]
    public void LearnedLearningRatesReceiveTheMetaGradient()
    {
        // Meta-SGD: the meta-gradient with respect to per-parameter rates against finite differences.
        ParameterSet theta = Theta();
        ParameterSet rates = theta.Map(t => Tensor.Full(t.Shape.ToArray(), 0.1, DType.Float64)).AsLeaves();
        Tensor Meta(ParameterSet r) => MetaLoss(new ScaleByLearnedRates(r), theta);
        Tensor[] analytic = Autograd.Grad(Meta(rates), rates.Tensors);
        AssertClose(analytic, Numeric(rates, r => Meta(r.AsLeaves()).Item()), "learned rates");
    }

    [Fact]
    public void AdamMetaGradientStaysFiniteWhenAGradientElementIsExactlyZero()
    {
        // The first input column is all zeros, so dL/dw[0] is exactly 0 at every inner step and v[0] stays 0:
        // a plain sqrt would put 0 * infinity = NaN into the meta-gradient.
        Tensor x = SupportX * Tensor.FromArray([0.0, 1.0, 1.0], 1, 3);
        ParameterSet theta = Theta();
        IGradientTransformation adam = Optimizers.Adam(0.1);
        ParameterSet p = theta;
        ParameterSet state = adam.Init(theta);
        for (int k = 0; k < InnerSteps; k++)
        {
            Tensor[] g = Autograd.Grad(Loss(p, x, SupportY), p.Tensors, createGraph: true);
            Assert.Equal(0.0, g[0][0]);
            (p, state) = adam.Step(p, ParameterSet.Of(("w", g[0]), ("b", g[1])), state);
        }
        Tensor[] meta = Autograd.Grad(Loss(p, QueryX, QueryY), theta.Tensors);
        Assert.All(meta.SelectMany(t => t.ToDoubleArray()), v => Assert.True(double.IsFinite(v), $"meta-gradient element {v}"));
    }

    private static void Check(Func<IGradientTransformation> optimizer, Func<ParameterSet, Tensor>? hand)
    {
        ParameterSet theta = Theta();
        Tensor[] viaOptimizer = Autograd.Grad(MetaLoss(optimizer(), theta), theta.Tensors);
        if (hand is not null)
        {
            Tensor[] viaHand = Autograd.Grad(hand(theta), theta.Tensors);
            AssertClose(viaOptimizer, viaHand.Select(t => t.ToDoubleArray()).ToArray(), "hand-written inner loop", 1e-10);
        }
        AssertClose(viaOptimizer, Numeric(theta, t => MetaLoss(optimizer(), t.AsLeaves()).Item()), "finite differences");
    }

    private static double[][] Numeric(ParameterSet at, Func<ParameterSet, double> f)
    {
        const double h = 1e-6;
        var result = new double[at.Count][];
        for (int i = 0; i < at.Count; i++)
        {
            double[] values = at.Tensors[i].ToDoubleArray();
            result[i] = new double[values.Length];
            for (int j = 0; j < values.Length; j++)
            {
                double saved = values[j];
                values[j] = saved + h;
                double plus = f(at.With(at.Names[i], Tensor.FromArray(values, at.Tensors[i].Shape.ToArray())));
                values[j] = saved - h;
                double minus = f(at.With(at.Names[i], Tensor.FromArray(values, at.Tensors[i].Shape.ToArray())));
                values[j] = saved;
                result[i][j] = (plus - minus) / (2 * h);
            }
        }
        return result;
    }

    private static void AssertClose(Tensor[] analytic, double[][] expected, string what, double tol = 1e-6)
    {
        for (int i = 0; i < analytic.Length; i++)
        {
            double[] a = analytic[i].ToDoubleArray();
            for (int j = 0; j < a.Length; j++)
            {
                Assert.True(Math.Abs(a[j] - expected[i][j]) <= tol * (1 + Math.Abs(expected[i][j])),
                    $"meta-gradient tensor {i} element {j}: {a[j]:G12} vs {what} {expected[i][j]:G12}.");
            }
        }
    }
}

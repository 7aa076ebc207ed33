namespace MetaLearn.Tensors.Tests.Autodiff;

/// <summary>
/// Second-order MAML on a tiny MLP: the meta-gradient through the inner SGD step must equal finite differences
/// of the whole adapt-then-evaluate function, and FOMAML must differ from it by exactly the Hessian term
/// <c>-alpha * H_support(theta) * grad L_query(theta')</c> (Finn et al. 2017, section 2.2).
/// </summary>
public class MamlMetaGradientTests
{
    private const double Alpha = 0.1;

    private static readonly Tensor SupportX = Tensor.FromArray([-1.5, -0.4, 0.3, 1.2, 2.0], 5, 1);
    private static readonly Tensor SupportY = SupportX.Detach().Sin();
    private static readonly Tensor QueryX = Tensor.FromArray([-1.0, 0.1, 0.8, 1.7], 4, 1);
    private static readonly Tensor QueryY = QueryX.Detach().Sin();

    private static Tensor[] InitialParameters()
    {
        var rng = new Rng(3);
        return
        [
            Tensor.Normal(rng, [6, 1], std: 0.8, dtype: DType.Float64),
            Tensor.Normal(rng, [6], std: 0.3, dtype: DType.Float64),
            Tensor.Normal(rng, [1, 6], std: 0.5, dtype: DType.Float64),
            Tensor.Normal(rng, [1], std: 0.1, dtype: DType.Float64),
        ];
    }

    private static Tensor Loss(Tensor[] p, Tensor x, Tensor y)
    {
        Tensor hidden = Functional.Linear(x, p[0], p[1]).Tanh();
        return Functional.MseLoss(Functional.Linear(hidden, p[2], p[3]), y);
    }

    private static Tensor[] Adapt(Tensor[] p, int steps, bool firstOrder)
    {
        Tensor[] fast = p;
        for (int s = 0; s < steps; s++)
        {
            Tensor[] g = Autograd.Grad(Loss(fast, SupportX, SupportY), fast, createGraph: !firstOrder);
            fast = fast.Zip(g, (w, gw) => w - Alpha * gw).ToArray();
        }
        return fast;
    }

    private static Tensor[] MetaGradient(Tensor[] theta, int steps, bool firstOrder)
    {
        Tensor[] leaves = theta.Select(t => t.Detach().SetRequiresGrad()).ToArray();
        return Autograd.Grad(Loss(Adapt(leaves, steps, firstOrder), QueryX, QueryY), leaves);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SecondOrderMetaGradientEqualsFiniteDifferences(int steps)
    {
        Tensor[] theta = InitialParameters();
        Tensor[] analytic = MetaGradient(theta, steps, firstOrder: false);

        const double h = 1e-6;
        for (int i = 0; i < theta.Length; i++)
        {
            double[] values = theta[i].ToDoubleArray();
            for (int j = 0; j < values.Length; j++)
            {
                double saved = values[j];
                values[j] = saved + h;
                double plus = MetaLoss(theta, i, values, steps);
                values[j] = saved - h;
                double minus = MetaLoss(theta, i, values, steps);
                values[j] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(analytic[i][j] - numeric) < 1e-7 + 1e-6 * Math.Abs(numeric),
                    $"parameter {i}[{j}]: analytic {analytic[i][j]:G10}, numeric {numeric:G10}");
            }
        }
    }

    [Fact]
    public void FirstOrderDiffersByExactlyTheHessianTerm()
    {
        Tensor[] theta = InitialParameters();
        Tensor[] secondOrder = MetaGradient(theta, 1, firstOrder: false);
        Tensor[] firstOrder = MetaGradient(theta, 1, firstOrder: true);

        // v = grad of the query loss at the adapted parameters (what FOMAML uses as its meta-gradient).
        Tensor[] adapted = Adapt(theta.Select(t => t.Detach().SetRequiresGrad()).ToArray(), 1, firstOrder: true)
            .Select(t => t.Detach().SetRequiresGrad()).ToArray();
        Tensor[] v = Autograd.Grad(Loss(adapted, QueryX, QueryY), adapted);
        for (int i = 0; i < v.Length; i++)
        {
            AssertClose(firstOrder[i], v[i], 1e-12, "FOMAML meta-gradient is grad L_query(theta')");
        }

        // H_support(theta) v by central differences of the support gradient along v: independent of double backward.
        const double h = 1e-5;
        Tensor[] plus = SupportGradient(theta.Zip(v, (t, d) => t + h * d).ToArray());
        Tensor[] minus = SupportGradient(theta.Zip(v, (t, d) => t - h * d).ToArray());
        for (int i = 0; i < theta.Length; i++)
        {
            Tensor hessianTerm = (plus[i] - minus[i]) * (-Alpha / (2 * h));
            Tensor difference = secondOrder[i] - firstOrder[i];
            Assert.True(difference.Abs().Max().Item() > 1e-4, "the Hessian term should not vanish in this test");
            AssertClose(difference, hessianTerm, 1e-8, $"second-order minus first-order for parameter {i}");
        }
    }

    [Fact]
    public void SecondOrderGradientsAreDifferentiableAgain()
    {
        // Grad with createGraph records the backward pass: the gradient itself has a graph.
        Tensor[] theta = InitialParameters().Select(t => t.SetRequiresGrad()).ToArray();
        Tensor[] g = Autograd.Grad(Loss(theta, SupportX, SupportY), theta, createGraph: true);
        Assert.All(g, gi => Assert.True(gi.RequiresGrad));
        Tensor[] fast = Autograd.Grad(Loss(theta, SupportX, SupportY), theta);
        Assert.All(fast, gi => Assert.False(gi.RequiresGrad));
    }

    private static Tensor[] SupportGradient(Tensor[] p)
    {
        Tensor[] leaves = p.Select(t => t.Detach().SetRequiresGrad()).ToArray();
        return Autograd.Grad(Loss(leaves, SupportX, SupportY), leaves);
    }

    private static double MetaLoss(Tensor[] theta, int which, double[] values, int steps)
    {
        Tensor[] p = theta.Select(t => t.Detach().SetRequiresGrad()).ToArray();
        p[which] = Tensor.FromArray(values, theta[which].ShapeArray).SetRequiresGrad();
        return Loss(Adapt(p, steps, firstOrder: true), QueryX, QueryY).Item();
    }

    private static void AssertClose(Tensor actual, Tensor expected, double tolerance, string what)
    {
        for (int j = 0; j < expected.Count; j++)
        {
            Assert.True(Math.Abs(actual[j] - expected[j]) <= tolerance * (1 + Math.Abs(expected[j])),
                $"{what}, element {j}: {actual[j]:G12} vs {expected[j]:G12}");
        }
    }
}

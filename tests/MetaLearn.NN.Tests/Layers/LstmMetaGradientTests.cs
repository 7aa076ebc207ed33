namespace MetaLearn.NN.Tests.Layers;

/// <summary>
/// Second-order MAML (Finn et al. 2017) through a bidirectional <see cref="Lstm"/>: the meta-gradient of the query loss
/// after one inner SGD step on the support loss must equal central finite differences of the whole
/// adapt-then-evaluate function, in float64. The first-order approximation must be measurably different, so the
/// test really depends on the LSTM's second derivatives.
/// </summary>
public class LstmMetaGradientTests
{
    private const double Alpha = 0.5;

    private static readonly Lstm Model = new(2, 3, new Rng(11), bidirectional: true, dtype: DType.Float64);

    // A sequence-to-sequence regression task: support and query sequences [T=3, N=2, 2], targets [3, 2, 6].
    private static readonly Tensor SupportX = Tensor.Normal(new Rng(12), [3, 2, 2], dtype: DType.Float64);
    private static readonly Tensor SupportY = Tensor.Normal(new Rng(13), [3, 2, 6], std: 0.5, dtype: DType.Float64);
    private static readonly Tensor QueryX = Tensor.Normal(new Rng(14), [3, 2, 2], dtype: DType.Float64);
    private static readonly Tensor QueryY = Tensor.Normal(new Rng(15), [3, 2, 6], std: 0.5, dtype: DType.Float64);

    private static Tensor Loss(ParameterSet p, Tensor x, Tensor y)
    {
        (Tensor output, Tensor h, Tensor c) = Model.Run(x, null, p, ForwardContext.Train);
        // The final states enter the loss too, so their gradients are part of what is checked.
        return Functional.MseLoss(output, y) + 0.1 * (h.Sum() + c.Square().Sum());
    }

    private static Tensor MetaLoss(ParameterSet theta, bool firstOrder)
    {
        ParameterSet grads = new(theta.Names.Zip(Autograd.Grad(Loss(theta, SupportX, SupportY), [.. theta.Tensors], createGraph: !firstOrder),
            (n, g) => new KeyValuePair<string, Tensor>(n, g)));
        ParameterSet fast = theta.Zip(grads, (w, g) => w - Alpha * g);
        return Loss(fast, QueryX, QueryY);
    }

    private static Tensor[] MetaGradient(bool firstOrder)
    {
        ParameterSet theta = Model.Parameters.AsLeaves();
        return Autograd.Grad(MetaLoss(theta, firstOrder), [.. theta.Tensors]);
    }

    [Fact]
    public void SecondOrderMetaGradientEqualsFiniteDifferences()
    {
        Tensor[] analytic = MetaGradient(firstOrder: false);
        Tensor[] firstOrder = MetaGradient(firstOrder: true);
        ParameterSet theta = Model.Parameters;
        const double h = 1e-6;
        double largestSecondOrderTerm = 0;
        for (int i = 0; i < theta.Count; i++)
        {
            double[] values = theta.Tensors[i].ToDoubleArray();
            for (int j = 0; j < values.Length; j++)
            {
                double saved = values[j];
                values[j] = saved + h;
                double plus = Evaluate(theta, i, values);
                values[j] = saved - h;
                double minus = Evaluate(theta, i, values);
                values[j] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(analytic[i][j] - numeric) < 1e-7 + 1e-6 * Math.Abs(numeric),
                    $"{theta.Names[i]}[{j}]: analytic {analytic[i][j]:G10}, numeric {numeric:G10}");
                largestSecondOrderTerm = Math.Max(largestSecondOrderTerm, Math.Abs(firstOrder[i][j] - numeric));
            }
        }
        Assert.True(largestSecondOrderTerm > 1e-3, $"the first-order meta-gradient is within {largestSecondOrderTerm:G3} of the true one: the test would not notice missing second derivatives.");
    }

    private static double Evaluate(ParameterSet theta, int which, double[] values)
    {
        ParameterSet p = theta.Map((n, t) => n == theta.Names[which] ? Tensor.FromArray(values, t.Shape.ToArray()) : t.Detach()).AsLeaves();
        return MetaLoss(p, firstOrder: true).Item(); // the value is the same with or without the recorded inner gradient
    }
}

namespace MetaLearn.NN.Tests;

public class ModuleTests
{
    [Fact]
    public void ForwardWithSubstitutedParametersIsTheFunctionalCall()
    {
        Backbone mlp = Backbones.RegressionMlp(new Rng(1));
        Tensor x = Tensor.Normal(new Rng(2), [5, 1]);
        Assert.Equal(mlp.Forward(x).ToFloatArray(), mlp.Forward(x, mlp.Parameters).ToFloatArray());

        ParameterSet doubled = mlp.Parameters.Map(t => t * 2.0);
        Tensor expected = x;
        expected = Functional.Linear(expected, doubled["features.0.weight"], doubled["features.0.bias"]).Relu();
        expected = Functional.Linear(expected, doubled["features.2.weight"], doubled["features.2.bias"]).Relu();
        expected = Functional.Linear(expected, doubled["head.weight"], doubled["head.bias"]);
        Assert.Equal(expected.ToFloatArray(), mlp.Forward(x, doubled).ToFloatArray());
        Assert.NotEqual(mlp.Forward(x).ToFloatArray(), expected.ToFloatArray()); // own parameters untouched
    }

    [Fact]
    public void SecondOrderMamlGradientThroughFastWeightsMatchesFiniteDifferences()
    {
        Backbone mlp = Backbones.RegressionMlp(new Rng(3), hidden: 5, dtype: DType.Float64);
        Tensor xs = Tensor.Normal(new Rng(4), [6, 1], dtype: DType.Float64), ys = xs.Tanh();
        Tensor xq = Tensor.Normal(new Rng(5), [4, 1], dtype: DType.Float64), yq = xq.Tanh();
        double Meta(ParameterSet theta, out Tensor[] grads)
        {
            Tensor inner = Functional.MseLoss(mlp.Forward(xs, theta), ys);
            Tensor[] g = Autograd.Grad(inner, theta.Tensors, createGraph: true);
            ParameterSet fast = theta.Map((name, p) => p - 0.3 * g[theta.Names.ToList().IndexOf(name)]);
            Tensor outer = Functional.MseLoss(mlp.Forward(xq, fast), yq);
            grads = Autograd.Grad(outer, theta.Tensors);
            return outer.Item();
        }
        ParameterSet theta = mlp.Parameters;
        Meta(theta, out Tensor[] analytic);
        const double h = 1e-6;
        for (int i = 0; i < theta.Count; i++)
        {
            double[] v = theta.Tensors[i].ToDoubleArray();
            for (int j = 0; j < v.Length; j += 3)
            {
                double saved = v[j];
                v[j] = saved + h;
                double plus = Meta(theta.With(theta.Names[i], Tensor.FromArray(v, theta.Tensors[i].Shape.ToArray()).SetRequiresGrad()), out _);
                v[j] = saved - h;
                double minus = Meta(theta.With(theta.Names[i], Tensor.FromArray(v, theta.Tensors[i].Shape.ToArray()).SetRequiresGrad()), out _);
                v[j] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(analytic[i][j] - numeric) < 1e-6 * (1 + Math.Abs(numeric)), $"{theta.Names[i]}[{j}]: {analytic[i][j]} vs {numeric}");
            }
        }
    }

    [Fact]
    public void SettingParametersChecksNamesAndShapes()
    {
        var linear = new Linear(3, 2, new Rng(0));
        var e = Assert.Throws<ArgumentException>(() => linear.Parameters = linear.Parameters.With("weight", Tensor.Zeros(3, 3)));
        Assert.Contains("'weight'", e.Message);
        Assert.Contains("[3, 3]", e.Message);
        Assert.Throws<ArgumentException>(() => linear.Parameters = linear.Parameters.With("extra", Tensor.Zeros(1)));

        var missing = Assert.Throws<ArgumentException>(() => linear.Forward(Tensor.Zeros(1, 3), linear.Parameters.Filter((n, _) => n != "bias")));
        Assert.Contains("Linear(3 -> 2)", missing.Message);
        Assert.Contains("'bias'", missing.Message);
    }

    [Fact]
    public void InitialisationIsSeededAndFollowsPyTorchBounds()
    {
        Assert.Equal(new Linear(50, 10, new Rng(7)).Parameters["weight"].ToFloatArray(), new Linear(50, 10, new Rng(7)).Parameters["weight"].ToFloatArray());
        Assert.NotEqual(new Linear(50, 10, new Rng(7)).Parameters["weight"].ToFloatArray(), new Linear(50, 10, new Rng(8)).Parameters["weight"].ToFloatArray());
        var conv = new Conv2d(4, 8, 3, new Rng(1));
        double bound = 1 / Math.Sqrt(4 * 9);
        Assert.All(conv.Parameters.Tensors.SelectMany(t => t.ToFloatArray()), v => Assert.InRange(v, -bound, bound));

        Tensor kaiming = Init.KaimingNormal(new Rng(2), [400, 100]);
        Assert.InRange(Std(kaiming), 0.95 * Math.Sqrt(2.0 / 100), 1.05 * Math.Sqrt(2.0 / 100));
        Tensor xavier = Init.XavierUniform(new Rng(3), [300, 100]);
        double b = Math.Sqrt(6.0 / 400);
        Assert.All(xavier.ToFloatArray(), v => Assert.InRange(v, -b, b));
        Assert.InRange(Std(xavier), 0.95 * b / Math.Sqrt(3), 1.05 * b / Math.Sqrt(3));
        Assert.InRange(Std(Init.XavierNormal(new Rng(4), [300, 100], gain: 2)), 0.95 * 2 * Math.Sqrt(2.0 / 400), 1.05 * 2 * Math.Sqrt(2.0 / 400));
        Assert.InRange(Init.KaimingUniform(new Rng(5), [100, 50], mode: FanMode.FanOut).Abs().Max().Item(), 0, Math.Sqrt(6.0 / 100));
        Assert.Equal(0.0, Init.Zeros([3, 3]).Abs().Sum().Item());
    }

    private static double Std(Tensor t)
    {
        double[] v = t.ToDoubleArray();
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
    }

    [Fact]
    public void DropoutIsSeededAndOffInEvaluation()
    {
        var dropout = new Dropout(0.25, new Rng(1));
        Tensor x = Tensor.Ones(4000);
        Tensor a = dropout.Forward(x, ParameterSet.Empty, new ForwardContext { Rng = new Rng(9) });
        Tensor b = dropout.Forward(x, ParameterSet.Empty, new ForwardContext { Rng = new Rng(9) });
        Assert.Equal(a.ToFloatArray(), b.ToFloatArray());
        double zeros = a.ToFloatArray().Count(v => v == 0) / 4000.0;
        Assert.InRange(zeros, 0.22, 0.28);
        Assert.All(a.ToFloatArray(), v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.75) < 1e-6));
        Assert.Same(x, dropout.Forward(x, ParameterSet.Empty, ForwardContext.Eval));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.0, new Rng(0)));
    }

    [Fact]
    public void FiLMModulatesPerChannelOrPerSample()
    {
        Tensor x = Tensor.Ones(2, 3, 2, 2);
        Tensor y = FiLM.Apply(x, Tensor.FromArray([1f, 2f, 3f], 3), Tensor.FromArray([0f, 0f, 1f], 3));
        Assert.Equal(4.0, y.At(1, 2, 1, 1));
        Tensor perSample = FiLM.Apply(Tensor.Ones(2, 3), Tensor.FromArray([1f, 1f, 1f, 2f, 2f, 2f], 2, 3), Tensor.Zeros(2, 3));
        Assert.Equal([1f, 1f, 1f, 2f, 2f, 2f], perSample.ToFloatArray());
        Assert.Throws<ArgumentException>(() => FiLM.Apply(x, Tensor.Ones(4), Tensor.Zeros(3)));
    }

    [Fact]
    public void LeakyReluHasSlopeGradientAtZeroAsPyTorch()
    {
        Tensor x = Tensor.FromArray([-2f, 0f, 3f], 3).SetRequiresGrad();
        Tensor g = Autograd.Grad(LeakyReLU.Apply(x, 0.1).Sum(), x);
        Assert.Equal([0.1f, 0.1f, 1f], g.ToFloatArray());
    }

    [Fact]
    public void TrainAndEvalPropagateAndSummaryListsLayers()
    {
        Backbone net = Backbones.OmniglotConvNet(5, new Rng(0), hidden: 8);
        net.Eval();
        Assert.False(net.Head.Training);
        Assert.False(((Sequential)((Sequential)net.Features)[0])[3].Training);
        string text = net.ToString();
        Assert.Contains("Conv2d(1 -> 8, 3x3, stride 2, padding 1)", text);
        Assert.Contains("head: Linear(8 -> 5)", text);
    }
}

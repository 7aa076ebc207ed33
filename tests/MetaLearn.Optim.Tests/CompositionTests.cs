namespace MetaLearn.Optim.Tests;

/// <summary>
/// optax's <c>masked</c> and <c>multi_transform</c>: each equals running its parts on their own subsets, keeps every
/// part's state under its own names, refuses a parameter nobody optimizes, and stays differentiable (an inner loop
/// through a multi-transform gives the meta-gradient of the hand-written mixed loop).
/// </summary>
public class CompositionTests
{
    private static ParameterSet Params() => ParameterSet.Of(
        ("gen.w", Tensor.FromArray([0.3, -0.2, 0.5], 3)),
        ("disc.w", Tensor.FromArray([1.5, 0.25], 2)),
        ("disc.bias", Tensor.FromArray([-0.4], 1))).AsLeaves();

    private static ParameterSet Grads(double scale) => ParameterSet.Of(
        ("gen.w", Tensor.FromArray([0.1 * scale, 0.2, -0.3], 3)),
        ("disc.w", Tensor.FromArray([-0.5, 0.7 * scale], 2)),
        ("disc.bias", Tensor.FromArray([0.9], 1)));

    private static string Label(string name) => name[..name.IndexOf('.')];

    [Fact]
    public void MultiTransformEqualsEachOptimizerOnItsOwnPartAndPrefixesItsState()
    {
        var multi = new MultiTransform(new Dictionary<string, IGradientTransformation>
        {
            ["gen"] = Optimizers.Adam(0.01),
            ["disc"] = Optimizers.Sgd(0.1, momentum: 0.9),
        }, Label);
        IGradientTransformation genAlone = Optimizers.Adam(0.01), discAlone = Optimizers.Sgd(0.1, momentum: 0.9);

        ParameterSet p = Params(), state = multi.Init(p);
        ParameterSet gen = p.Filter((n, _) => n.StartsWith("gen.")), disc = p.Filter((n, _) => n.StartsWith("disc."));
        ParameterSet genState = genAlone.Init(gen), discState = discAlone.Init(disc);
        Assert.All(state.Names, n => Assert.True(n.StartsWith("gen.") || n.StartsWith("disc."), n));
        Assert.Equal(genState.Count + discState.Count, state.Count);

        for (int step = 1; step <= 3; step++)
        {
            ParameterSet g = Grads(step);
            (p, state) = multi.StepDetached(p, g, state);
            (gen, genState) = genAlone.StepDetached(gen, g.Filter((n, _) => n.StartsWith("gen.")), genState);
            (disc, discState) = discAlone.StepDetached(disc, g.Filter((n, _) => n.StartsWith("disc.")), discState);
        }
        Assert.Equal(Params().Names, p.Names); // the original order
        foreach ((string name, Tensor t) in gen.Concat(disc))
        {
            Assert.Equal(t.ToDoubleArray(), p[name].ToDoubleArray());
        }
        Assert.Equal(genState.Tensors.SelectMany(t => t.ToDoubleArray()), state.Scope("gen").Tensors.SelectMany(t => t.ToDoubleArray()));
        Assert.Equal(discState.Tensors.SelectMany(t => t.ToDoubleArray()), state.Scope("disc").Tensors.SelectMany(t => t.ToDoubleArray()));
    }

    [Fact]
    public void MultiTransformNamesAParameterWithoutAnOptimizer()
    {
        var multi = new MultiTransform(new Dictionary<string, IGradientTransformation> { ["gen"] = Optimizers.Sgd(0.1) }, Label);
        var e = Assert.Throws<ArgumentException>(() => multi.Init(Params()));
        Assert.Contains("'disc.w'", e.Message);
        Assert.Contains("'disc'", e.Message);
        Assert.Throws<ArgumentException>(() => new MultiTransform(new Dictionary<string, IGradientTransformation> { ["a.b"] = Optimizers.Sgd(0.1) }, Label));
    }

    [Fact]
    public void MaskedDecaysOnlyTheSelectedParametersAndPassesTheRestThrough()
    {
        // Weight decay on weights only, then SGD: biases see the plain gradient.
        var optimizer = new Chain(new Masked(new AddDecayedWeights(0.5), n => n.EndsWith(".w")), new ScaleByLearningRate(0.1));
        ParameterSet p = Params(), g = Grads(1);
        (ParameterSet next, ParameterSet state) = optimizer.Step(p, g, optimizer.Init(p));
        foreach ((string name, Tensor t) in p)
        {
            double[] before = t.ToDoubleArray(), grad = g[name].ToDoubleArray(), after = next[name].ToDoubleArray();
            double decay = name.EndsWith(".w") ? 0.5 : 0;
            for (int i = 0; i < before.Length; i++)
            {
                Assert.Equal(before[i] - 0.1 * (grad[i] + decay * before[i]), after[i], 12);
            }
        }
        // A masked Adam keeps moments for the selected parameters only.
        var adam = new Masked(new ScaleByAdam(0.9, 0.999, 1e-8, 0), n => n.StartsWith("gen."));
        ParameterSet s = adam.Init(p);
        Assert.All(s.Names.Where(n => n != "count"), n => Assert.Contains("gen.", n));
        (ParameterSet u, _) = adam.Update(g, s, p);
        Assert.Equal(g["disc.bias"].ToDoubleArray(), u["disc.bias"].ToDoubleArray());
        Assert.NotEqual(g["gen.w"].ToDoubleArray(), u["gen.w"].ToDoubleArray());
        Assert.NotNull(state);
    }

    [Fact]
    public void AnInnerLoopThroughAMultiTransformHasTheMetaGradientOfTheMixedHandWrittenLoop()
    {
        // L(p) = sum((p - target)^2) / 2 per part; two inner steps with rate 0.3 on "gen", 0.1 on "disc"; query loss sum(p^3).
        var multi = new MultiTransform(new Dictionary<string, IGradientTransformation>
        {
            ["gen"] = Optimizers.Sgd(0.3),
            ["disc"] = Optimizers.Sgd(0.1),
        }, Label);
        ParameterSet theta = Params();
        Tensor MetaLoss(Func<ParameterSet, ParameterSet, ParameterSet> step)
        {
            ParameterSet p = theta;
            for (int k = 0; k < 2; k++)
            {
                Tensor inner = p.Tensors.Select(t => (t - 1.0).Square().Sum() * 0.5).Aggregate((a, b) => a + b);
                Tensor[] g = Autograd.Grad(inner, p.Tensors, createGraph: true);
                p = step(p, new ParameterSet(p.Names.Select((n, i) => new KeyValuePair<string, Tensor>(n, g[i]))));
            }
            return p.Tensors.Select(t => t.Pow(3).Sum()).Aggregate((a, b) => a + b);
        }
        ParameterSet state = multi.Init(theta);
        Tensor viaMulti = MetaLoss((p, g) =>
        {
            (ParameterSet next, ParameterSet s) = multi.Step(p, g, state);
            state = s;
            return next;
        });
        Tensor byHand = MetaLoss((p, g) => p.Map((n, t) => t - (n.StartsWith("gen.") ? 0.3 : 0.1) * g[n]));
        Tensor[] a = Autograd.Grad(viaMulti, theta.Tensors), b = Autograd.Grad(byHand, theta.Tensors);
        Assert.Equal(byHand.Item(), viaMulti.Item(), 12);
        for (int i = 0; i < a.Length; i++)
        {
            double[] x = a[i].ToDoubleArray(), y = b[i].ToDoubleArray();
            for (int k = 0; k < x.Length; k++)
            {
                Assert.Equal(y[k], x[k], 12);
            }
        }
    }
}

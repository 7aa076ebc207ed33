namespace MetaLearn.NN.Tests;

public class BackboneTests
{
    [Fact]
    public void OmniglotConvNetMapsTwentyEightPixelImagesToWays()
    {
        Backbone net = Backbones.OmniglotConvNet(5, new Rng(0));
        Assert.Equal([3, 5], net.Forward(Tensor.Normal(new Rng(1), [3, 1, 28, 28])).Shape.ToArray());
        Assert.Equal([3, 64], net.Embed(Tensor.Normal(new Rng(1), [3, 1, 28, 28]), net.Parameters, ForwardContext.Train).Shape.ToArray());
        long expected = (9 * 1 * 64 + 64) + 3 * (9 * 64 * 64 + 64) + 4 * 2 * 64 + (64 * 5 + 5);
        Assert.Equal(expected, net.Parameters.ElementCount);
        Assert.Equal("features.blocks.0.0.weight", net.Parameters.Names[0]);
        Assert.Equal(["head.weight", "head.bias"], net.Parameters.Names.TakeLast(2));
        Assert.True(net.Parameters.Scope("head").Count == 2 && net.Head.Parameters.Count == 2);
    }

    /// <summary>
    /// A block's batch norm, 2x2 max-pool and ReLU run as one op inside <see cref="Sequential"/>, with the values of the
    /// three modules applied one at a time and the same parameter names.
    /// </summary>
    [Fact]
    public void ABlockTailRunsAsOneOpWithTheValuesOfItsThreeModules()
    {
        Backbone net = Backbones.MiniImageNetConvNet(5, new Rng(3), hidden: 8, channels: 3, imageSize: 20);
        var block = (Sequential)((Sequential)((Sequential)net.Features)[0])[0];
        ParameterSet p = net.Parameters.Scope("features.blocks.0").Map((_, t) => t.Detach().SetRequiresGrad());
        Tensor x = Tensor.Normal(new Rng(4), [4, 3, 20, 20]);

        Tensor fused = block.Forward(x, p, ForwardContext.Train);
        Tensor oneByOne = x;
        for (int i = 0; i < block.Count; i++)
        {
            oneByOne = block[i].Forward(oneByOne, p.Scope(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ForwardContext.Train);
        }
        Assert.Contains("grad_fn=batch_norm_max_pool_relu", fused.ToString());
        Assert.Contains("grad_fn=relu", oneByOne.ToString());
        Assert.Equal(oneByOne.ToFloatArray(), fused.ToFloatArray());
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], p.Names);
    }

    /// <summary>
    /// The max-pool blocks pool before the ReLU (cheaper); this must be the same function, gradient and second
    /// derivative as the papers' conv, batch norm, ReLU, pool order, written out here with functional ops in float64.
    /// </summary>
    [Fact]
    public void PoolingBeforeTheReluIsTheSameFunctionToSecondOrder()
    {
        Backbone net = Backbones.OmniglotConvNet(3, new Rng(4), hidden: 6, downsampling: ConvDownsampling.MaxPool, dtype: DType.Float64);
        // Inputs with exact zeros and negative regions, so many windows are all non-positive after batch norm.
        Tensor x = Tensor.Normal(new Rng(5), [4, 1, 28, 28], dtype: DType.Float64).Relu();
        ParameterSet p = net.Parameters.Map((_, t) => t.Detach().SetRequiresGrad());

        Tensor PapersOrder(ParameterSet q)
        {
            Tensor h = x;
            for (int i = 0; i < 4; i++)
            {
                string b = $"features.blocks.{i}";
                h = Functional.Conv2d(h, q[$"{b}.0.weight"], q[$"{b}.0.bias"], padding: 1);
                h = Functional.BatchNorm(h, q[$"{b}.1.weight"], q[$"{b}.1.bias"]);
                h = Functional.MaxPool2d(h.Relu(), 2);
            }
            return Functional.Linear(h.Mean([2, 3]), q["head.weight"], q["head.bias"]);
        }

        foreach (var model in new Func<ParameterSet, Tensor>[] { q => net.Forward(x, q), PapersOrder })
        {
            Assert.Equal(PapersOrder(p).ToDoubleArray(), model(p).ToDoubleArray());
        }
        Tensor[] mine = Autograd.Grad(net.Forward(x, p).Square().Sum(), [.. p.Tensors], createGraph: true);
        Tensor[] theirs = Autograd.Grad(PapersOrder(p).Square().Sum(), [.. p.Tensors], createGraph: true);
        for (int i = 0; i < mine.Length; i++)
        {
            Assert.Equal(theirs[i].ToDoubleArray(), mine[i].ToDoubleArray());
        }
        // Second order: the gradient of the squared gradient norm.
        Tensor[] mine2 = Autograd.Grad(mine.Select(g => g.Square().Sum()).Aggregate((a, b) => a + b), [.. p.Tensors]);
        Tensor[] theirs2 = Autograd.Grad(theirs.Select(g => g.Square().Sum()).Aggregate((a, b) => a + b), [.. p.Tensors]);
        // Second order agrees to rounding only: the blocks run as one fused op (Sequential), whose recorded backward
        // adds the same three contributions in another order than the unfused ops do (measured: 6e-16 of the scale).
        double[] mineFlat = mine2.SelectMany(t => t.ToDoubleArray()).ToArray(), theirsFlat = theirs2.SelectMany(t => t.ToDoubleArray()).ToArray();
        double scale = theirsFlat.Max(Math.Abs);
        for (int i = 0; i < mineFlat.Length; i++)
        {
            Assert.True(Math.Abs(mineFlat[i] - theirsFlat[i]) <= 1e-12 * scale, $"second-order element {i}: {mineFlat[i]} vs {theirsFlat[i]}");
        }
    }

    [Fact]
    public void MiniImageNetConvNetFlattensFiveByFiveMaps()
    {
        Backbone net = Backbones.MiniImageNetConvNet(5, new Rng(0), hidden: 32);
        Assert.Equal([32 * 25, 5], net.Parameters["head.weight"].Shape.ToArray() is [5, var f] ? [f, 5] : []);
        Assert.Equal([2, 5], net.Forward(Tensor.Normal(new Rng(1), [2, 3, 84, 84])).Shape.ToArray());
        Assert.Equal(64 * 25, Backbones.MiniImageNetConvNet(5, new Rng(0), hidden: 64).Parameters["head.weight"].Shape[1]);
    }

    [Fact]
    public void RegressionMlpIsOneFortyFortyOne()
    {
        Backbone net = Backbones.RegressionMlp(new Rng(0));
        Assert.Equal(1 * 40 + 40 + 40 * 40 + 40 + 40 * 1 + 1, net.Parameters.ElementCount);
        Assert.Equal([7, 1], net.Forward(Tensor.Zeros(7, 1)).Shape.ToArray());
    }

    [Fact]
    public void ResNet12HasFourResidualBlocksAndRuns()
    {
        Backbone full = Backbones.ResNet12(5, new Rng(0));
        Assert.Equal([5, 640], full.Parameters["head.weight"].Shape.ToArray());
        Assert.Equal([160, 64, 3, 3], full.Parameters["features.blocks.1.conv1.weight"].Shape.ToArray());

        Backbone small = Backbones.ResNet12(5, new Rng(0), widths: [4, 6, 8, 8]);
        Tensor x = Tensor.Normal(new Rng(1), [2, 3, 16, 16]);
        Tensor y = small.Forward(x);
        Assert.Equal([2, 5], y.Shape.ToArray());
        Tensor[] grads = Autograd.Grad(y.Square().Sum(), small.Parameters.Tensors);
        Assert.All(grads, g => Assert.True(g.Abs().Sum().Item() > 0));
    }

    [Fact]
    public void ArchitectureNamesRecordShapeDeterminingSettings()
    {
        Assert.NotEqual(Backbones.OmniglotConvNet(5, new Rng(0), hidden: 8).Architecture, Backbones.OmniglotConvNet(20, new Rng(0), hidden: 8).Architecture);
        Assert.Contains("1-40-40-1", Backbones.RegressionMlp(new Rng(0)).Architecture);
    }
}

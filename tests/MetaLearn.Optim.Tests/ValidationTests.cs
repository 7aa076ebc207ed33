namespace MetaLearn.Optim.Tests;

public class ValidationTests
{
    [Fact]
    public void NegativeLearningRateIsRejectedWithTheValue()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Optimizers.Sgd(-0.1));
        Assert.Contains("-0.1", e.Message);
    }

    [Theory]
    [InlineData(1.0, 0.999)]
    [InlineData(0.9, 1.5)]
    [InlineData(-0.1, 0.999)]
    public void BetasOutsideTheUnitIntervalAreRejectedWithTheValue(double beta1, double beta2)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.Adam(0.001, beta1, beta2));
        Assert.Contains("[0, 1)", e.Message);
        Assert.True(e.Message.Contains(beta1.ToString(System.Globalization.CultureInfo.InvariantCulture)) || e.Message.Contains(beta2.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void OtherInvalidHyperparametersAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.Sgd(0.1, momentum: 1.0));
        Assert.Throws<ArgumentException>(() => Optimizers.Sgd(0.1, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.AdamW(0.1, weightDecay: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.RmsProp(0.1, alpha: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.RmsProp(0.1, eps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.Adam(0.1, eps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClipByGlobalNorm(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Optimizers.Sgd(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.Cosine(0.1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.Step(0.1, 5, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.LinearWarmup(0.1, 5, startFactor: 2));
    }

    [Fact]
    public void StateFromOtherParametersIsRejectedNamingTheTensor()
    {
        IGradientTransformation adam = Optimizers.Adam(0.1);
        ParameterSet state = adam.Init(ParameterSet.Of(("w", Tensor.Zeros(3))));
        var e = Assert.Throws<ArgumentException>(() => adam.Update(ParameterSet.Of(("w", Tensor.Zeros(4))), state));
        Assert.Contains("'w'", e.Message);
        Assert.Contains("[4]", e.Message);
    }

    [Fact]
    public void WeightDecayWithoutParametersSaysSo()
    {
        IGradientTransformation sgd = Optimizers.Sgd(0.1, weightDecay: 0.1);
        ParameterSet g = ParameterSet.Of(("w", Tensor.Ones(2)));
        var e = Assert.Throws<ArgumentNullException>(() => sgd.Update(g, sgd.Init(g)));
        Assert.Contains("pass them to Update", e.Message);
    }
}

public class ScheduleTests
{
    [Fact]
    public void SchedulesFollowTheirFormulas()
    {
        Assert.Equal(0.3, ((Schedule)0.3)[1000]);
        Schedule step = Schedule.Step(1.0, 5, 0.5);
        Assert.Equal(1.0, step[4]);
        Assert.Equal(0.5, step[5]);
        Assert.Equal(0.25, step[10]);
        Schedule cosine = Schedule.Cosine(1.0, 10, 0.1);
        Assert.Equal(1.0, cosine[0], 12);
        Assert.Equal(0.55, cosine[5], 12);
        Assert.Equal(0.1, cosine[10], 12);
        Assert.Equal(0.1, cosine[50], 12);
        Schedule warm = Schedule.LinearWarmup(1.0, 4, 0.2, after: Schedule.Cosine(1.0, 10));
        Assert.Equal(0.2, warm[0], 12);
        Assert.Equal(0.6, warm[2], 12);
        Assert.Equal(1.0, warm[4], 12);
        Assert.Equal(0.5, warm[9], 12);
    }
}

public class PurityTests
{
    [Fact]
    public void UpdateDoesNotMutateItsInputs()
    {
        IGradientTransformation opt = Optimizers.Adam(0.1).WithGlobalNormClipping(1.0);
        ParameterSet p = ParameterSet.Of(("w", Tensor.FromArray([1f, 2f], 2)));
        ParameterSet g = ParameterSet.Of(("w", Tensor.FromArray([3f, -4f], 2)));
        ParameterSet state = opt.Init(p);
        float[][] before = state.Tensors.Select(t => t.ToFloatArray()).ToArray();
        (ParameterSet u1, ParameterSet s1) = opt.Update(g, state, p);
        (ParameterSet u2, _) = opt.Update(g, state, p);
        Assert.Equal(u1["w"].ToFloatArray(), u2["w"].ToFloatArray());
        Assert.Equal(before, state.Tensors.Select(t => t.ToFloatArray()).ToArray());
        Assert.Equal([1f, 2f], p["w"].ToFloatArray());
        Assert.NotEqual(state["1.1.count"].Item(), s1["1.1.count"].Item());
    }

    [Fact]
    public void ClippingScalesToTheMaximumNorm()
    {
        var clip = new ClipByGlobalNorm(1.0);
        ParameterSet g = ParameterSet.Of(("a", Tensor.FromArray([3.0], 1)), ("b", Tensor.FromArray([4.0], 1)));
        (ParameterSet u, _) = clip.Update(g, clip.Init(g));
        Assert.Equal(1.0, Updates.GlobalNorm(u).Item(), 5);
        (ParameterSet small, _) = clip.Update(g.Map(t => t * 0.01), ParameterSet.Empty);
        Assert.Equal(0.03, small["a"][0], 12);
    }
}

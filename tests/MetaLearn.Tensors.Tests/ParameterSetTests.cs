namespace MetaLearn.Tensors.Tests;

public class ParameterSetTests
{
    private static readonly ParameterSet Set = ParameterSet.Of(
        ("features.0.weight", Tensor.Ones(2, 2)), ("features.0.bias", Tensor.Zeros(2)), ("head.weight", Tensor.Ones(1, 2)));

    [Fact]
    public void KeepsInsertionOrderAndLooksUpByName()
    {
        Assert.Equal(["features.0.weight", "features.0.bias", "head.weight"], Set.Names);
        Assert.Equal([1, 2], Set["head.weight"].Shape.ToArray());
        Assert.Equal(8, Set.ElementCount);
        var e = Assert.Throws<KeyNotFoundException>(() => Set["head.bias"]);
        Assert.Contains("head.weight [1, 2]", e.Message);
    }

    [Fact]
    public void HelpersReturnNewSetsAndLeaveTheOriginal()
    {
        ParameterSet doubled = Set.Map(t => t * 2.0);
        Assert.Equal(1.0, Set["head.weight"][0]);
        Assert.Equal(2.0, doubled["head.weight"][0]);
        ParameterSet sum = Set.Zip(doubled, (a, b) => a + b);
        Assert.Equal(3.0, sum["features.0.weight"][3]);
        Assert.Equal(["weight", "bias"], Set.Scope("features.0").Names);
        Assert.Equal(Set.Names, Set.Scope("features").Prefix("features").Concat(Set.Scope("head").Prefix("head")).Names);
        Assert.Equal(["features.0.bias"], Set.Filter((n, _) => n.EndsWith("bias")).Names);
        Assert.Equal(3, Set.With("features.0.bias", Tensor.Ones(2)).Count);
        Assert.Equal(4, Set.With("head.bias", Tensor.Ones(1)).Count);
        Assert.True(Set.AsLeaves().Tensors.All(t => t.RequiresGrad && t.IsLeaf));
    }

    [Fact]
    public void ZipRequiresTheSameStructure()
    {
        var e = Assert.Throws<ArgumentException>(() => Set.Zip(Set.With("head.weight", Tensor.Ones(2, 2)), (a, b) => a));
        Assert.Contains("'head.weight'", e.Message);
        Assert.Contains("[2, 2]", e.Message);
        Assert.Throws<ArgumentException>(() => Set.Zip(Set.Filter((n, _) => n != "head.weight"), (a, b) => a));
        Assert.Throws<ArgumentException>(() => Set.Zip(Set.With("extra", Tensor.Ones(1)), (a, b) => a));
        Assert.Throws<ArgumentException>(() => ParameterSet.Of(("a", Tensor.Ones(1)), ("a", Tensor.Ones(1))));
    }
}

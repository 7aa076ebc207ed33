namespace MetaLearn.NN.Tests;

/// <summary>Composite models: named children, parameter names prefixed by the child, one checkpoint, a forward pass over several inputs.</summary>
public class CompositeTests
{
    private static Composite Pair(Rng rng) => new("pair(2->3, 3+3->1)",
        [("encoder", new Linear(2, 3, rng, dtype: DType.Float64)), ("scorer", new Linear(6, 1, rng, dtype: DType.Float64))],
        (self, inputs, p, ctx) =>
        {
            Tensor a = self.Run("encoder", inputs[0], p, ctx), b = self.Run("encoder", inputs[1], p, ctx);
            return self.Run("scorer", Tensor.Concat([a, b], 1), p, ctx);
        });

    [Fact]
    public void ParametersAreNamedByChildAndAForwardTakesSeveralInputs()
    {
        Composite model = Pair(new Rng(1));
        Assert.Equal(["encoder.weight", "encoder.bias", "scorer.weight", "scorer.bias"], model.Parameters.Names);
        Assert.Equal("pair(2->3, 3+3->1)", model.Label);
        var rng = new Rng(2);
        Tensor x = Tensor.Normal(rng, [4, 2], dtype: DType.Float64), y = Tensor.Normal(rng, [4, 2], dtype: DType.Float64);
        Tensor score = model.Forward([x, y], model.Parameters, ForwardContext.Train);
        Assert.Equal([4, 1], score.Shape);
        // The same as running the children by hand.
        var encoder = (Linear)model["encoder"];
        Tensor expected = model["scorer"].Forward(Tensor.Concat([encoder.Forward(x), encoder.Forward(y)], 1));
        Assert.Equal(expected.ToDoubleArray(), score.ToDoubleArray());
        // Gradients reach both children.
        Tensor[] g = Autograd.Grad(score.Sum(), model.Parameters.Tensors);
        Assert.All(g, t => Assert.Contains(t.ToDoubleArray(), v => v != 0));
    }

    [Fact]
    public void OneCheckpointRestoresEveryChild()
    {
        string path = Path.Combine(Path.GetTempPath(), $"composite-{Guid.NewGuid():N}.safetensors");
        Composite saved = Pair(new Rng(1)), restored = Pair(new Rng(9));
        Checkpoint.Save(path, saved, new CheckpointMetadata { Architecture = saved.Architecture });
        Checkpoint.Load(path).Restore(restored);
        Assert.Equal(saved.Parameters.Tensors.SelectMany(t => t.ToDoubleArray()), restored.Parameters.Tensors.SelectMany(t => t.ToDoubleArray()));
        File.Delete(path);
    }

    [Fact]
    public void MisuseIsAClearError()
    {
        var rng = new Rng(1);
        var e1 = Assert.Throws<ArgumentException>(() => new Composite("x", [("a.b", new Linear(1, 1, rng))]));
        Assert.Contains("'a.b'", e1.Message);
        Assert.Throws<ArgumentException>(() => new Composite("x", [("a", new Linear(1, 1, rng)), ("a", new Linear(1, 1, rng))]));
        var plain = new Composite("plain", [("a", new Linear(1, 1, rng))]);
        var e2 = Assert.Throws<InvalidOperationException>(() => plain.Forward(Tensor.Zeros(1, 1)));
        Assert.Contains("Run(name", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => plain["b"]);
        Assert.Contains("has no child 'b'; it has a", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => new Linear(1, 1, rng).Forward([Tensor.Zeros(1, 1), Tensor.Zeros(1, 1)], new Linear(1, 1, rng).Parameters, ForwardContext.Train));
        Assert.Contains("takes one input; got 2", e4.Message);
    }
}

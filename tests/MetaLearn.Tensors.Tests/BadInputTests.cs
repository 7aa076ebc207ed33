namespace MetaLearn.Tensors.Tests;

/// <summary>Every misuse throws an exception whose message names the op, the shapes and the fix.</summary>
public class BadInputTests
{
    private static void Throws<TException>(Action action, params string[] fragments) where TException : Exception
    {
        TException e = Assert.ThrowsAny<TException>(action);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, e.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void ShapesThatPyTorchWouldNotBroadcastAreRefused()
        => Throws<ArgumentException>(() => _ = Tensor.Zeros(2, 3) + Tensor.Zeros(4), "add", "[2, 3]", "[4]", "broadcast");

    [Fact]
    public void DTypeMismatchIsRefused()
        => Throws<ArgumentException>(() => _ = Tensor.Zeros(2) * Tensor.Zeros([2], DType.Float64), "mul", "float32", "float64", ".To(");

    [Fact]
    public void OutOfRangeDimensionIsRefused()
        => Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Sum(2), "sum", "dimension 2", "rank 2");

    [Fact]
    public void MatMulInnerDimensionMismatchIsRefused()
        => Throws<ArgumentException>(() => Tensor.Zeros(2, 3).MatMul(Tensor.Zeros(4, 5)), "matmul", "[2, 3]", "[4, 5]", "k = 3");

    [Fact]
    public void MatMulOfAVectorSaysToUnsqueeze()
        => Throws<ArgumentException>(() => Tensor.Zeros(3).MatMul(Tensor.Zeros(3, 2)), "matmul", "Unsqueeze");

    [Fact]
    public void ReshapeToTheWrongCountIsRefused()
        => Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Reshape(4, 2), "reshape", "[2, 3]", "[4, 2]");

    [Fact]
    public void ExpandOfANonSingletonDimensionIsRefused()
        => Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Expand(2, 4), "expand", "size 3", "only size-1");

    [Fact]
    public void OutOfRangeIndicesAreRefused()
    {
        Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(3, 2).IndexSelect(0, 3), "index_select", "index 3", "size 3");
        Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 2).Gather(1, [0, 1, 2, 0], 2, 2), "gather", "index 2");
        Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(4).Slice(0, 2, 3), "slice", "[2, 5)", "size 4");
    }

    [Fact]
    public void LossInputsAreValidated()
    {
        Throws<ArgumentException>(() => Functional.CrossEntropy(Tensor.Zeros(3, 5), [0, 1]), "cross_entropy", "[3, 5]", "2 labels");
        Throws<ArgumentException>(() => Functional.MseLoss(Tensor.Zeros(3, 1), Tensor.Zeros(3)), "mse_loss", "[3, 1]", "[3]");
        Throws<ArgumentException>(() => Functional.Linear(Tensor.Zeros(2, 3), Tensor.Zeros(4, 3), Tensor.Zeros(5)), "linear", "[5]", "[4]");
        Throws<ArgumentException>(() => Functional.Conv2d(Tensor.Zeros(1, 2, 5, 5), Tensor.Zeros(4, 3, 3, 3)), "conv2d", "[1, 2, 5, 5]", "[4, 3, 3, 3]");
    }

    [Fact]
    public void GradOfANonScalarNeedsGradOutputs()
    {
        Tensor x = Tensor.Ones(3).SetRequiresGrad();
        Throws<ArgumentException>(() => Autograd.Grad(x * 2.0, x), "[3]", "gradOutputs", "Sum()");
        Tensor g = Autograd.Grad([x * 2.0], [x], [Tensor.Ones(3)])[0];
        Assert.Equal([2.0, 2.0, 2.0], g.ToDoubleArray());
    }

    [Fact]
    public void DifferentiatingAFreedGraphSaysToRetainIt()
    {
        Tensor x = Tensor.Ones(2).SetRequiresGrad();
        Tensor loss = (x.Exp() * x).Sum();
        Autograd.Grad(loss, x);
        Throws<InvalidOperationException>(() => Autograd.Grad(loss, x), "already freed", "retainGraph");

        Tensor kept = (x.Exp() * x).Sum();
        Tensor first = Autograd.Grad(kept, x, retainGraph: true);
        Assert.Equal(first.ToDoubleArray(), Autograd.Grad(kept, x).ToDoubleArray());
    }

    [Fact]
    public void AnUnusedInputNeedsAllowUnused()
    {
        Tensor x = Tensor.Ones(2).SetRequiresGrad();
        Tensor unused = Tensor.Ones(3).SetRequiresGrad();
        unused.Name = "bias";
        Throws<InvalidOperationException>(() => Autograd.Grad((x * x).Sum(), [x, unused], retainGraph: true), "input 1", "'bias'", "allowUnused");
        Tensor[] g = Autograd.Grad((x * x).Sum(), [x, unused], allowUnused: true);
        Assert.Equal([0.0, 0.0, 0.0], g[1].ToDoubleArray());
    }

    [Fact]
    public void AnInputThatDoesNotRequireGradIsRefused()
        => Throws<ArgumentException>(() => Autograd.Grad((Tensor.Ones(2).SetRequiresGrad() * 2.0).Sum(), Tensor.Ones(2)), "does not require grad", "SetRequiresGrad");

    [Fact]
    public void RequiresGradCannotBeSetOnANonLeaf()
    {
        Tensor y = Tensor.Ones(2).SetRequiresGrad() * 2.0;
        Throws<InvalidOperationException>(() => y.RequiresGrad = false, "leaf", "mul", "Detach");
    }

    [Fact]
    public void AnomalyModeNamesTheFirstOpThatProducedNaN()
    {
        Tensor x = Tensor.FromArray([1f, -1f]).SetRequiresGrad();
        using (Autograd.DetectAnomaly())
        {
            Throws<AnomalyException>(() => (x.Log() * 2.0).Sum(), "forward of 'log'", "NaN");
        }
        Tensor sum = (x.Log() * 2.0).Sum(); // outside the scope nothing is checked
        Assert.True(double.IsNaN(sum.Item()));
    }

    [Fact]
    public void AnomalyModeNamesTheBackwardRuleThatProducedInf()
    {
        Tensor x = Tensor.FromArray([0f, 4f]).SetRequiresGrad();
        using (Autograd.DetectAnomaly())
        {
            Tensor loss = x.Sqrt().Sum();
            Throws<AnomalyException>(() => Autograd.Grad(loss, x), "backward of 'sqrt'", "+Inf");
        }
    }
}

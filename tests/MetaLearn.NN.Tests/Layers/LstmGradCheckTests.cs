using MetaLearn.Tensors.Tests.Autodiff;

namespace MetaLearn.NN.Tests.Layers;

/// <summary>
/// Float64 finite-difference checks of <see cref="LstmCell"/> and <see cref="Lstm"/>: the first derivative of a weighted sum
/// of every output (outputs and final states) with respect to the input, the initial states and every parameter, and the
/// second derivative through a Hessian-vector product (<see cref="GradCheck"/>, the engine's own checker).
/// </summary>
public class LstmGradCheckTests
{
    private const int Batch = 2;

    private static Tensor Randn(Rng rng, params int[] shape) => Tensor.Normal(rng, shape, std: 0.8, dtype: DType.Float64);

    private static ParameterSet Named(Module module, Tensor[] xs, int first)
        => new(module.Parameters.Names.Select((n, i) => new KeyValuePair<string, Tensor>(n, xs[first + i])));

    /// <summary>The cell's step from a given state: inputs x, h, c, then the parameters; the function's value is [h', c'] flattened.</summary>
    private static (Func<Tensor[], Tensor> F, Tensor[] Inputs) CellStep()
    {
        var cell = new LstmCell(3, 2, new Rng(1), dtype: DType.Float64);
        var rng = new Rng(2);
        Tensor[] inputs = [Randn(rng, Batch, 3), Randn(rng, Batch, 2), Randn(rng, Batch, 2), .. cell.Parameters.Tensors];
        return (xs =>
        {
            (Tensor h, Tensor c) = cell.Step(xs[0], xs[1], xs[2], Named(cell, xs, 3), ForwardContext.Train);
            return Tensor.Concat([h.Flatten(), c.Flatten()]);
        }, inputs);
    }

    /// <summary>The cell's Forward (one step from the zero state, which skips the hidden GEMM), without biases.</summary>
    private static (Func<Tensor[], Tensor> F, Tensor[] Inputs) CellFromZeroState()
    {
        var cell = new LstmCell(3, 2, new Rng(3), bias: false, dtype: DType.Float64);
        Tensor[] inputs = [Randn(new Rng(4), Batch, 3), .. cell.Parameters.Tensors];
        return (xs => cell.Forward(xs[0], Named(cell, xs, 1), ForwardContext.Train), inputs);
    }

    /// <summary>A bidirectional LSTM over 3 steps from given states; the value is [output, h_n, c_n] flattened.</summary>
    private static (Func<Tensor[], Tensor> F, Tensor[] Inputs) Bidirectional()
    {
        var lstm = new Lstm(3, 2, new Rng(5), bidirectional: true, dtype: DType.Float64);
        var rng = new Rng(6);
        Tensor[] inputs = [Randn(rng, 3, Batch, 3), Randn(rng, 2, Batch, 2), Randn(rng, 2, Batch, 2), .. lstm.Parameters.Tensors];
        return (xs =>
        {
            (Tensor output, Tensor h, Tensor c) = lstm.Run(xs[0], (xs[1], xs[2]), Named(lstm, xs, 3), ForwardContext.Train);
            return Tensor.Concat([output.Flatten(), h.Flatten(), c.Flatten()]);
        }, inputs);
    }

    /// <summary>A one-direction LSTM's Forward over 3 steps from the zero state.</summary>
    private static (Func<Tensor[], Tensor> F, Tensor[] Inputs) UnidirectionalFromZeroState()
    {
        var lstm = new Lstm(2, 3, new Rng(7), dtype: DType.Float64);
        Tensor[] inputs = [Randn(new Rng(8), 3, Batch, 2), .. lstm.Parameters.Tensors];
        return (xs => lstm.Forward(xs[0], Named(lstm, xs, 1), ForwardContext.Train), inputs);
    }

    private static (Func<Tensor[], Tensor> F, Tensor[] Inputs) Case(string name) => name switch
    {
        "cell step" => CellStep(),
        "cell from zero state, no bias" => CellFromZeroState(),
        "bidirectional lstm" => Bidirectional(),
        "unidirectional lstm from zero state" => UnidirectionalFromZeroState(),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string> Cases() => new() { "cell step", "cell from zero state, no bias", "bidirectional lstm", "unidirectional lstm from zero state" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FirstDerivativesMatchFiniteDifferences(string name)
    {
        (Func<Tensor[], Tensor> f, Tensor[] inputs) = Case(name);
        GradCheck.First(f, inputs);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SecondDerivativesMatchFiniteDifferences(string name)
    {
        (Func<Tensor[], Tensor> f, Tensor[] inputs) = Case(name);
        GradCheck.Second(f, inputs);
    }
}

using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// Linear regression tasks y = W x + b with W [outputDim, inputDim] and b [outputDim] drawn entry-wise from
/// U[-coefficientRange, coefficientRange]. The defaults (1-D, slope and intercept U[-3, 3], x U[-5, 5]) are the
/// line tasks of the sinusoid-or-line benchmark of Finn, Xu and Levine (2018), "Probabilistic MAML".
/// </summary>
public sealed class LinearTasks : RegressionTaskFamily
{
    /// <summary>Creates the family.</summary>
    public LinearTasks(int shots, int queries, int inputDim = 1, int outputDim = 1, double coefficientRange = 3.0,
        double inputMin = -5.0, double inputMax = 5.0)
        : base(shots, queries, inputMin, inputMax)
    {
        if (inputDim < 1 || outputDim < 1 || !(coefficientRange >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(inputDim), $"LinearTasks: needs inputDim >= 1, outputDim >= 1, coefficientRange >= 0; got {inputDim}, {outputDim}, {coefficientRange}.");
        }
        InputDim = inputDim;
        OutputDim = outputDim;
        CoefficientRange = coefficientRange;
    }

    /// <summary>Length of x.</summary>
    public int InputDim { get; }

    /// <summary>Length of y.</summary>
    public int OutputDim { get; }

    /// <summary>Weights and biases are drawn from U[-CoefficientRange, CoefficientRange].</summary>
    public double CoefficientRange { get; }

    /// <inheritdoc/>
    public override RegressionFunction SampleFunction(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var w = new double[InputDim * OutputDim];
        var b = new double[OutputDim];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = rng.NextDouble(-CoefficientRange, CoefficientRange);
        }
        for (int i = 0; i < b.Length; i++)
        {
            b[i] = rng.NextDouble(-CoefficientRange, CoefficientRange);
        }
        return new LinearFunction(w, b);
    }
}

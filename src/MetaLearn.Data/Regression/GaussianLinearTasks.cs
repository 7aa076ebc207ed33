using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// Linear regression tasks with Gaussian coefficients and inputs: each task draws W ~ N(0, I) (<see cref="InputDim"/> x
/// <see cref="OutputDim"/>) and b ~ N(0, I) (<see cref="OutputDim"/>); inputs x ~ N(0, I) and targets y = x W + b, plus
/// noise of standard deviation <see cref="RegressionTaskFamily.NoiseStd"/> when set. The textbook meta-regression
/// family: with a linear base learner the best initialisation is W = 0, b = 0, and how far a few SGD steps get from there
/// is known in closed form. (<see cref="LinearTasks"/> is the uniform 1-D line family of Finn, Xu and Levine 2018.)
/// </summary>
public sealed class GaussianLinearTasks : RegressionTaskFamily
{
    /// <summary>Plots show inputs in [-3, 3], which holds 99.7% of each coordinate's draws.</summary>
    private const double PlotRange = 3.0;

    /// <summary>Creates the family.</summary>
    public GaussianLinearTasks(int shots, int queries, int inputDim = 1, int outputDim = 1)
        : base(shots, queries, -PlotRange, PlotRange)
    {
        if (inputDim < 1 || outputDim < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(inputDim), $"GaussianLinearTasks: needs input and output sizes >= 1; got {inputDim} and {outputDim}.");
        }
        InputDim = inputDim;
        OutputDim = outputDim;
    }

    /// <summary>Length of x.</summary>
    public int InputDim { get; }

    /// <summary>Length of y.</summary>
    public int OutputDim { get; }

    /// <inheritdoc/>
    public override RegressionFunction SampleFunction(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var w = new double[OutputDim * InputDim]; // LinearFunction's layout: [output, input], the transpose of W
        var b = new double[OutputDim];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = rng.NextNormal();
        }
        for (int o = 0; o < b.Length; o++)
        {
            b[o] = rng.NextNormal();
        }
        return new LinearFunction(w, b);
    }

    /// <inheritdoc/>
    protected override void SampleInput(Rng rng, Span<double> x)
    {
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextNormal();
        }
    }
}

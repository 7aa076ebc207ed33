namespace MetaLearn.Data;

/// <summary>One regression task's ground truth: a function from R^InputDim to R^OutputDim.</summary>
public abstract class RegressionFunction
{
    /// <summary>Length of an input vector x.</summary>
    public abstract int InputDim { get; }

    /// <summary>Length of an output vector y.</summary>
    public abstract int OutputDim { get; }

    /// <summary>Writes f(<paramref name="x"/>) into <paramref name="y"/>.</summary>
    public abstract void Evaluate(ReadOnlySpan<double> x, Span<double> y);
}

/// <summary>y = Amplitude * sin(x - Phase), the task of Finn et al. (2017), "Model-Agnostic Meta-Learning", section 5.1.</summary>
/// <param name="amplitude">Amplitude; MAML draws it from U[0.1, 5].</param>
/// <param name="phase">Phase in radians; MAML draws it from U[0, pi].</param>
public sealed class Sinusoid(double amplitude, double phase) : RegressionFunction
{
    /// <summary>The amplitude.</summary>
    public double Amplitude { get; } = amplitude;

    /// <summary>The phase in radians.</summary>
    public double Phase { get; } = phase;

    /// <inheritdoc/>
    public override int InputDim => 1;

    /// <inheritdoc/>
    public override int OutputDim => 1;

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> x, Span<double> y) => y[0] = Amplitude * Math.Sin(x[0] - Phase);

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"sinusoid amplitude={Amplitude:G4} phase={Phase:G4}");
}

/// <summary>y = W x + b with W of shape [OutputDim, InputDim].</summary>
public sealed class LinearFunction : RegressionFunction
{
    private readonly double[] _weight;
    private readonly double[] _bias;

    /// <summary>Creates the map from a row-major weight ([outputDim, inputDim]) and a bias (outputDim).</summary>
    public LinearFunction(double[] weight, double[] bias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (bias.Length == 0 || weight.Length == 0 || weight.Length % bias.Length != 0)
        {
            throw new ArgumentException($"LinearFunction: a weight of {weight.Length} values does not fit a bias of {bias.Length}; the weight must be [outputDim, inputDim] row-major.");
        }
        _weight = (double[])weight.Clone();
        _bias = (double[])bias.Clone();
    }

    /// <summary>The weight, row-major [OutputDim, InputDim].</summary>
    public IReadOnlyList<double> Weight => _weight;

    /// <summary>The bias, length OutputDim.</summary>
    public IReadOnlyList<double> Bias => _bias;

    /// <inheritdoc/>
    public override int InputDim => _weight.Length / _bias.Length;

    /// <inheritdoc/>
    public override int OutputDim => _bias.Length;

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> x, Span<double> y)
    {
        int n = InputDim;
        for (int o = 0; o < _bias.Length; o++)
        {
            double sum = _bias[o];
            for (int i = 0; i < n; i++)
            {
                sum += _weight[(o * n) + i] * x[i];
            }
            y[o] = sum;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => InputDim == 1 && OutputDim == 1
        ? FormattableString.Invariant($"line slope={_weight[0]:G4} intercept={_bias[0]:G4}")
        : $"linear {InputDim}->{OutputDim}";
}

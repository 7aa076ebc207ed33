using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// A distribution over regression tasks: each task draws a function, then <see cref="Shots"/> support and
/// <see cref="Queries"/> query inputs (<see cref="SampleInput"/>: uniformly from [<see cref="InputMin"/>,
/// <see cref="InputMax"/>) in every input dimension unless a family says otherwise), and targets f(x), plus Gaussian
/// noise of standard deviation <see cref="NoiseStd"/> when it is set. Inputs are float32 [points, InputDim], targets
/// float32 [points, OutputDim].
/// </summary>
public abstract class RegressionTaskFamily : ITaskSource<FewShotTask>
{
    /// <summary>Sets the point counts and input range, validating them.</summary>
    protected RegressionTaskFamily(int shots, int queries, double inputMin, double inputMax)
    {
        if (shots < 1 || queries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(shots), $"{GetType().Name}: needs shots >= 1 and queries >= 0, got shots={shots}, queries={queries}.");
        }
        if (!(inputMin < inputMax) || !double.IsFinite(inputMin) || !double.IsFinite(inputMax))
        {
            throw new ArgumentException($"{GetType().Name}: the input range [{inputMin}, {inputMax}) is empty or not finite.");
        }
        Shots = shots;
        Queries = queries;
        InputMin = inputMin;
        InputMax = inputMax;
    }

    /// <summary>Support points per task (K).</summary>
    public int Shots { get; }

    /// <summary>Query points per task.</summary>
    public int Queries { get; }

    /// <summary>Lower end of the input range (for families with unbounded inputs, of the range plots show).</summary>
    public double InputMin { get; }

    /// <summary>Upper end of the input range, exclusive (for families with unbounded inputs, of the range plots show).</summary>
    public double InputMax { get; }

    /// <summary>Standard deviation of the Gaussian noise added to every target, support and query alike (0: none).</summary>
    public double NoiseStd
    {
        get;
        init => field = value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(NoiseStd), $"{GetType().Name}: the target noise must be finite and >= 0, got {value}.");
    }

    /// <summary>Draws one input point into <paramref name="x"/>: uniform in [<see cref="InputMin"/>, <see cref="InputMax"/>) per dimension.</summary>
    protected virtual void SampleInput(Rng rng, Span<double> x)
    {
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextDouble(InputMin, InputMax);
        }
    }

    /// <inheritdoc/>
    public TaskKind Kind => TaskKind.Regression;

    /// <summary>Draws one task's ground-truth function.</summary>
    public abstract RegressionFunction SampleFunction(Rng rng);

    /// <inheritdoc/>
    public FewShotTask Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return SampleFrom(SampleFunction(rng), rng);
    }

    /// <summary>Draws support and query points for a given function (for example to evaluate on a fixed curve).</summary>
    public FewShotTask SampleFrom(RegressionFunction function, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(rng);
        (Tensor xs, Tensor ys) = Points(function, rng, Shots);
        (Tensor xq, Tensor yq) = Points(function, rng, Queries);
        return FewShotTask.Regression(xs, ys, xq, yq, function.ToString() ?? "");
    }

    private (Tensor X, Tensor Y) Points(RegressionFunction f, Rng rng, int count)
    {
        var x = new float[count * f.InputDim];
        var y = new float[count * f.OutputDim];
        var xd = new double[f.InputDim];
        var yd = new double[f.OutputDim];
        for (int p = 0; p < count; p++)
        {
            SampleInput(rng, xd);
            for (int i = 0; i < xd.Length; i++)
            {
                x[(p * xd.Length) + i] = (float)xd[i];
            }
            f.Evaluate(xd, yd);
            for (int o = 0; o < yd.Length; o++)
            {
                y[(p * yd.Length) + o] = (float)(NoiseStd > 0 ? yd[o] + (NoiseStd * rng.NextNormal()) : yd[o]);
            }
        }
        return (Tensor.FromArray(x, count, f.InputDim), Tensor.FromArray(y, count, f.OutputDim));
    }
}

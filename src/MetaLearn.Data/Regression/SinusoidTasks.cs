using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// The sinusoid regression benchmark of Finn et al. (2017), "Model-Agnostic Meta-Learning", section 5.1:
/// y = A sin(x - phi) with A ~ U[0.1, 5], phi ~ U[0, pi], x ~ U[-5, 5]. The MAML paper uses K = 5, 10 or 20
/// support points.
/// </summary>
public sealed class SinusoidTasks : RegressionTaskFamily
{
    /// <summary>Creates the family; the defaults are the MAML paper's ranges.</summary>
    public SinusoidTasks(int shots, int queries, double amplitudeMin = 0.1, double amplitudeMax = 5.0,
        double phaseMin = 0.0, double phaseMax = Math.PI, double inputMin = -5.0, double inputMax = 5.0)
        : base(shots, queries, inputMin, inputMax)
    {
        if (!(amplitudeMin <= amplitudeMax) || !(phaseMin <= phaseMax))
        {
            throw new ArgumentException($"SinusoidTasks: amplitude range [{amplitudeMin}, {amplitudeMax}] or phase range [{phaseMin}, {phaseMax}] is reversed.");
        }
        AmplitudeMin = amplitudeMin;
        AmplitudeMax = amplitudeMax;
        PhaseMin = phaseMin;
        PhaseMax = phaseMax;
    }

    /// <summary>Smallest amplitude.</summary>
    public double AmplitudeMin { get; }

    /// <summary>Largest amplitude.</summary>
    public double AmplitudeMax { get; }

    /// <summary>Smallest phase (radians).</summary>
    public double PhaseMin { get; }

    /// <summary>Largest phase (radians).</summary>
    public double PhaseMax { get; }

    /// <inheritdoc/>
    public override RegressionFunction SampleFunction(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double amplitude = rng.NextDouble(AmplitudeMin, AmplitudeMax);
        double phase = rng.NextDouble(PhaseMin, PhaseMax);
        return new Sinusoid(amplitude, phase);
    }
}

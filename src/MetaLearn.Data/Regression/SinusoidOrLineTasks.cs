using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// A multimodal 1-D family: each task is a MAML sinusoid with probability <see cref="SinusoidProbability"/>,
/// otherwise a line with slope and intercept U[-3, 3] (Finn, Xu and Levine 2018; Vuorio et al. 2019,
/// "Multimodal Model-Agnostic Meta-Learning"). x ~ U[-5, 5] for both.
/// </summary>
public sealed class SinusoidOrLineTasks : RegressionTaskFamily
{
    private readonly SinusoidTasks _sinusoids;
    private readonly LinearTasks _lines;

    /// <summary>Creates the family.</summary>
    public SinusoidOrLineTasks(int shots, int queries, double sinusoidProbability = 0.5)
        : base(shots, queries, -5.0, 5.0)
    {
        if (!(sinusoidProbability >= 0 && sinusoidProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(sinusoidProbability), $"SinusoidOrLineTasks: sinusoidProbability must be in [0, 1], got {sinusoidProbability}.");
        }
        SinusoidProbability = sinusoidProbability;
        _sinusoids = new SinusoidTasks(shots, queries);
        _lines = new LinearTasks(shots, queries);
    }

    /// <summary>Probability that a task is a sinusoid rather than a line.</summary>
    public double SinusoidProbability { get; }

    /// <inheritdoc/>
    public override RegressionFunction SampleFunction(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return rng.NextDouble() < SinusoidProbability ? _sinusoids.SampleFunction(rng) : _lines.SampleFunction(rng);
    }
}

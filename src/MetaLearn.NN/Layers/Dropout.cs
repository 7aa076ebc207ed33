using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// In training mode zeroes each element with probability <see cref="P"/> and scales the rest by <c>1/(1-p)</c>
/// (<see cref="Functional.Dropout"/>); the identity in evaluation mode.
/// </summary>
/// <remarks>
/// The mask is drawn from <see cref="ForwardContext.Rng"/> when the call supplies one (do so when tasks run on
/// several threads: an <see cref="Rng"/> is not thread-safe), otherwise from the generator given at construction.
/// </remarks>
public sealed class Dropout : Module
{
    private readonly Rng _rng;

    /// <summary>Creates the layer.</summary>
    public Dropout(double p, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (p is < 0 or >= 1 || double.IsNaN(p))
        {
            throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: probability must be in [0, 1); got {p}.");
        }
        P = p;
        _rng = rng;
    }

    /// <summary>Probability of zeroing an element.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public override string Label => $"Dropout({P})";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Training || P == 0)
        {
            return x;
        }
        if (context.Rng is { } rng)
        {
            return Functional.Dropout(x, P, rng, training: true);
        }
        lock (_rng)
        {
            return Functional.Dropout(x, P, _rng, training: true);
        }
    }
}

using MetaLearn.Tensors;

namespace MetaLearn.Optim;

/// <summary>
/// RMSprop's direction (Tieleman and Hinton 2012) as PyTorch computes it: <c>v = alpha v + (1 - alpha) g^2</c>,
/// <c>u = g / (sqrt(v) + eps)</c>, no bias correction. Centred (Graves 2013): also <c>m = alpha m + (1 - alpha) g</c>
/// and <c>u = g / (sqrt(v - m^2) + eps)</c>. State: <c>nu.*</c> (and <c>mu.*</c> when centred).
/// The square root is <see cref="Updates.SafeSqrt"/>, for the same reason as in <see cref="ScaleByAdam"/>.
/// </summary>
public sealed class ScaleByRms : IGradientTransformation
{
    /// <summary>Creates the stage. <paramref name="alpha"/> must be in [0, 1) and <paramref name="eps"/> positive.</summary>
    public ScaleByRms(double alpha = 0.99, double eps = 1e-8, bool centered = false)
    {
        Hyper.RequireBeta("RMSprop", nameof(alpha), alpha);
        if (!(eps > 0) || double.IsInfinity(eps))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), $"RMSprop: eps must be positive and finite; got {eps}.");
        }
        Alpha = alpha;
        Eps = eps;
        Centered = centered;
    }

    /// <summary>Decay of the squared-gradient average.</summary>
    public double Alpha { get; }

    /// <summary>Added to the denominator.</summary>
    public double Eps { get; }

    /// <summary>Whether the gradient's running mean is subtracted (variance instead of second moment).</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    public ParameterSet Init(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterSet zeros = parameters.ZerosLike();
        return Centered ? zeros.Prefix("nu").Concat(zeros.Prefix("mu")) : zeros.Prefix("nu");
    }

    /// <inheritdoc/>
    public (ParameterSet Updates, ParameterSet State) Update(ParameterSet gradients, ParameterSet state, ParameterSet? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ParameterSet nu = gradients.Zip(StateKeys.Slot("RMSprop", state, "nu", gradients), (g, v) => v * Alpha + g.Square() * (1 - Alpha));
        if (!Centered)
        {
            return (gradients.Zip(nu, (g, v) => g / (Updates.SafeSqrt(v) + Eps)), nu.Prefix("nu"));
        }
        ParameterSet mu = gradients.Zip(StateKeys.Slot("RMSprop", state, "mu", gradients), (g, m) => m * Alpha + g * (1 - Alpha));
        ParameterSet updates = gradients.Zip(nu, mu, (g, v, m) => g / (Updates.SafeSqrt(v - m.Square()) + Eps));
        return (updates, nu.Prefix("nu").Concat(mu.Prefix("mu")));
    }
}

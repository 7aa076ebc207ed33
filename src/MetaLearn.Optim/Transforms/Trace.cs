using MetaLearn.Tensors;

namespace MetaLearn.Optim;

/// <summary>
/// Momentum as PyTorch's SGD computes it (no dampening): <c>b = momentum * b + g</c>, output <c>b</c>, or with
/// Nesterov (Sutskever et al. 2013) <c>g + momentum * b</c>. The buffer starts at zero, which gives PyTorch's first
/// step <c>b = g</c>. State: <c>trace.*</c>.
/// </summary>
public sealed class Trace : IGradientTransformation
{
    /// <summary>Creates the stage. <paramref name="momentum"/> must be in [0, 1).</summary>
    public Trace(double momentum, bool nesterov = false)
    {
        if (!(momentum is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), $"Trace: momentum must be in [0, 1); got {momentum}.");
        }
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Decay of the buffer.</summary>
    public double Momentum { get; }

    /// <summary>Whether to look ahead (Nesterov momentum).</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public ParameterSet Init(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.ZerosLike().Prefix("trace");
    }

    /// <inheritdoc/>
    public (ParameterSet Updates, ParameterSet State) Update(ParameterSet gradients, ParameterSet state, ParameterSet? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ParameterSet trace = StateKeys.Slot("Trace", state, "trace", gradients);
        ParameterSet next = gradients.Zip(trace, (g, b) => b * Momentum + g);
        ParameterSet updates = Nesterov ? gradients.Zip(next, (g, b) => g + b * Momentum) : next;
        return (updates, next.Prefix("trace"));
    }
}

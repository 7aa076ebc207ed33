using MetaLearn.Tensors;

namespace MetaLearn.Optim;

/// <summary>
/// <c>u = g + weightDecay * p</c>. Placed before the optimizer's scaling it is L2 regularisation (PyTorch's
/// <c>weight_decay</c> in SGD, Adam, RMSprop); placed after Adam's scaling it is decoupled weight decay (AdamW).
/// </summary>
public sealed class AddDecayedWeights : IGradientTransformation
{
    /// <summary>Creates the stage. <paramref name="weightDecay"/> must be finite and &gt;= 0.</summary>
    public AddDecayedWeights(double weightDecay)
    {
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(weightDecay), $"AddDecayedWeights: weight decay must be finite and >= 0; got {weightDecay}.");
        }
        WeightDecay = weightDecay;
    }

    /// <summary>The decay coefficient.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    public ParameterSet Init(ParameterSet parameters) => ParameterSet.Empty;

    /// <inheritdoc/>
    public (ParameterSet Updates, ParameterSet State) Update(ParameterSet gradients, ParameterSet state, ParameterSet? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        StateKeys.RequireParameters("AddDecayedWeights", parameters, gradients);
        return (gradients.Zip(parameters!, (g, p) => g + p * WeightDecay), ParameterSet.Empty);
    }
}

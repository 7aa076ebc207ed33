using MetaLearn.Tensors;

namespace MetaLearn.Optim;

/// <summary>
/// <c>u = -alpha * g</c> with a learning-rate tensor <c>alpha</c> per parameter, shaped like it (Meta-SGD, Li et al.
/// 2017). When the rates require gradients the meta-gradient reaches them through the update.
/// </summary>
public sealed class ScaleByLearnedRates : IGradientTransformation
{
    /// <summary>Creates the stage from rates named like the parameters.</summary>
    public ScaleByLearnedRates(ParameterSet rates)
    {
        ArgumentNullException.ThrowIfNull(rates);
        Rates = rates;
    }

    /// <summary>The per-parameter learning rates.</summary>
    public ParameterSet Rates { get; }

    /// <inheritdoc/>
    public ParameterSet Init(ParameterSet parameters) => ParameterSet.Empty;

    /// <inheritdoc/>
    public (ParameterSet Updates, ParameterSet State) Update(ParameterSet gradients, ParameterSet state, ParameterSet? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        return (gradients.Zip(Rates, (g, a) => -(a * g)), ParameterSet.Empty);
    }
}

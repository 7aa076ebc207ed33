using MetaLearn.Tensors;

namespace MetaLearn.Optim;

/// <summary>
/// Applies <see cref="Inner"/> only to the parameters whose name <see cref="Mask"/> selects (optax's <c>masked</c>); the
/// updates of the others are their gradients unchanged, so a later stage still sees them. The inner state covers the
/// selected parameters only, under its own names.
/// </summary>
/// <remarks>
/// Typical use: weight decay on weights but not on biases or batch-norm scales,
/// <c>new Chain(new Masked(new AddDecayedWeights(1e-4), n =&gt; n.EndsWith(".weight")), ...)</c>.
/// </remarks>
public sealed class Masked : IGradientTransformation
{
    /// <summary>Creates the stage.</summary>
    public Masked(IGradientTransformation inner, Func<string, bool> mask)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(mask);
        Inner = inner;
        Mask = mask;
    }

    /// <summary>The transform applied to the selected parameters.</summary>
    public IGradientTransformation Inner { get; }

    /// <summary>Selects the parameters (by name) that <see cref="Inner"/> transforms.</summary>
    public Func<string, bool> Mask { get; }

    /// <inheritdoc/>
    public ParameterSet Init(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Inner.Init(Select(parameters));
    }

    /// <inheritdoc/>
    public (ParameterSet Updates, ParameterSet State) Update(ParameterSet gradients, ParameterSet state, ParameterSet? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        (ParameterSet selected, ParameterSet next) = Inner.Update(Select(gradients), state, parameters is null ? null : Select(parameters));
        return (gradients.Map((name, g) => selected.TryGet(name, out Tensor? u) ? u : g), next);
    }

    private ParameterSet Select(ParameterSet set) => set.Filter((name, _) => Mask(name));
}

using System.Globalization;
using MetaLearn.Tensors;

namespace MetaLearn.Optim;

/// <summary>
/// Runs transforms one after another, each on the previous one's updates (optax's <c>chain</c>). The state of
/// transform <c>i</c> is stored under the prefix <c>i.</c> (e.g. <c>1.mu.weight</c>).
/// </summary>
public sealed class Chain : IGradientTransformation
{
    private readonly IGradientTransformation[] _transforms;

    /// <summary>Creates the chain.</summary>
    public Chain(params IGradientTransformation[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        for (int i = 0; i < transforms.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(transforms[i], $"transforms[{i}]");
        }
        _transforms = transforms;
    }

    /// <summary>The stages, in order.</summary>
    public IReadOnlyList<IGradientTransformation> Transforms => _transforms;

    /// <inheritdoc/>
    public ParameterSet Init(ParameterSet parameters)
    {
        ParameterSet state = ParameterSet.Empty;
        for (int i = 0; i < _transforms.Length; i++)
        {
            state = state.Concat(_transforms[i].Init(parameters).Prefix(Key(i)));
        }
        return state;
    }

    /// <inheritdoc/>
    public (ParameterSet Updates, ParameterSet State) Update(ParameterSet gradients, ParameterSet state, ParameterSet? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ParameterSet updates = gradients;
        ParameterSet next = ParameterSet.Empty;
        for (int i = 0; i < _transforms.Length; i++)
        {
            (updates, ParameterSet s) = _transforms[i].Update(updates, state.Scope(Key(i)), parameters);
            next = next.Concat(s.Prefix(Key(i)));
        }
        return (updates, next);
    }

    private static string Key(int i) => i.ToString(CultureInfo.InvariantCulture);
}

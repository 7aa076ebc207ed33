using MetaLearn.Tensors;

namespace MetaLearn.Optim;

/// <summary>
/// Gives every parameter a label and transforms each label's parameters with that label's optimizer (optax's
/// <c>multi_transform</c>): a generator and a discriminator with their own Adams, or the features at one learning rate
/// and a head at another. The state of label <c>L</c> is stored under the prefix <c>L.</c>, so each optimizer's state is
/// saved and restored with the checkpoint like any other.
/// </summary>
public sealed class MultiTransform : IGradientTransformation
{
    private readonly KeyValuePair<string, IGradientTransformation>[] _transforms;

    /// <summary>Creates the transform from labelled optimizers and a labelling of parameter names.</summary>
    /// <param name="transforms">The optimizer of each label.</param>
    /// <param name="label">The label of a parameter, from its name; every label must have an optimizer.</param>
    public MultiTransform(IReadOnlyDictionary<string, IGradientTransformation> transforms, Func<string, string> label)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        ArgumentNullException.ThrowIfNull(label);
        if (transforms.Count == 0)
        {
            throw new ArgumentException("MultiTransform: give at least one labelled optimizer.", nameof(transforms));
        }
        foreach ((string name, IGradientTransformation t) in transforms)
        {
            ArgumentNullException.ThrowIfNull(t, $"transforms[{name}]");
            if (name.Length == 0 || name.Contains('.'))
            {
                throw new ArgumentException($"MultiTransform: label '{name}' must be non-empty and contain no '.', since it prefixes the state names.", nameof(transforms));
            }
        }
        _transforms = [.. transforms.OrderBy(kv => kv.Key, StringComparer.Ordinal)];
        Label = label;
    }

    /// <summary>The labelling of parameter names.</summary>
    public Func<string, string> Label { get; }

    /// <summary>The labels, in the (ordinal) order their states are stored.</summary>
    public IEnumerable<string> Labels => _transforms.Select(kv => kv.Key);

    /// <inheritdoc/>
    public ParameterSet Init(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        CheckLabels(parameters);
        ParameterSet state = ParameterSet.Empty;
        foreach ((string label, IGradientTransformation t) in _transforms)
        {
            state = state.Concat(t.Init(Part(parameters, label)).Prefix(label));
        }
        return state;
    }

    /// <inheritdoc/>
    public (ParameterSet Updates, ParameterSet State) Update(ParameterSet gradients, ParameterSet state, ParameterSet? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(state);
        CheckLabels(gradients);
        var updates = new Dictionary<string, Tensor>();
        ParameterSet next = ParameterSet.Empty;
        foreach ((string label, IGradientTransformation t) in _transforms)
        {
            (ParameterSet u, ParameterSet s) = t.Update(Part(gradients, label), state.Scope(label), parameters is null ? null : Part(parameters, label));
            foreach ((string name, Tensor tensor) in u)
            {
                updates[name] = tensor;
            }
            next = next.Concat(s.Prefix(label));
        }
        return (gradients.Map((name, _) => updates[name]), next);
    }

    private ParameterSet Part(ParameterSet set, string label) => set.Filter((name, _) => Label(name) == label);

    private void CheckLabels(ParameterSet set)
    {
        foreach (string name in set.Names)
        {
            string label = Label(name);
            if (!_transforms.Any(kv => kv.Key == label))
            {
                throw new ArgumentException(
                    $"MultiTransform: parameter '{name}' is labelled '{label}', which has no optimizer; the labels are {string.Join(", ", Labels)}.");
            }
        }
    }
}

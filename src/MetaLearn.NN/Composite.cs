using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// A model made of named networks: a feature net and a relation module, an encoder and a decoder, a generator and a
/// discriminator. Parameters are named by child (<c>features.0.weight</c>, <c>relation.fc.bias</c>) and saved in one
/// checkpoint; the architecture name is recorded with them. The forward pass, when the composite has one, is a function
/// of any number of inputs (<see cref="Module.Forward(IReadOnlyList{Tensor}, ParameterSet, ForwardContext)"/>);
/// learners usually call the children themselves with <see cref="Run"/>.
/// </summary>
public sealed class Composite : Module
{
    private readonly (string Name, Module Module)[] _children;
    private readonly Func<Composite, IReadOnlyList<Tensor>, ParameterSet, ForwardContext, Tensor>? _forward;

    /// <summary>Joins <paramref name="children"/> (unique names without dots) under <paramref name="architecture"/>.</summary>
    /// <param name="architecture">A name with the hyperparameters that fix the parameter shapes; checked when a checkpoint is restored.</param>
    /// <param name="children">The named networks, in order.</param>
    /// <param name="forward">The composite's own forward pass over its inputs, or null when it has none.</param>
    public Composite(string architecture, IEnumerable<(string Name, Module Module)> children,
        Func<Composite, IReadOnlyList<Tensor>, ParameterSet, ForwardContext, Tensor>? forward = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(architecture);
        ArgumentNullException.ThrowIfNull(children);
        _children = [.. children];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, Module module) in _children)
        {
            ArgumentNullException.ThrowIfNull(module, name);
            if (string.IsNullOrEmpty(name) || name.Contains('.') || !seen.Add(name))
            {
                throw new ArgumentException($"Composite '{architecture}': child name '{name}' is empty, contains a dot or is repeated; names form parameter paths.");
            }
        }
        if (_children.Length == 0)
        {
            throw new ArgumentException($"Composite '{architecture}': give at least one child.", nameof(children));
        }
        Architecture = architecture;
        _forward = forward;
    }

    /// <summary>The architecture name recorded in checkpoints.</summary>
    public string Architecture { get; }

    /// <inheritdoc/>
    public override string Label => Architecture;

    /// <summary>The child named <paramref name="name"/>.</summary>
    public Module this[string name] => _children.FirstOrDefault(c => c.Name == name).Module
        ?? throw new ArgumentException($"Composite '{Architecture}' has no child '{name}'; it has {string.Join(", ", _children.Select(c => c.Name))}.");

    /// <inheritdoc/>
    protected internal override IReadOnlyList<(string Name, Module Module)> Children => _children;

    /// <summary>Runs child <paramref name="name"/> on <paramref name="x"/> with its part of <paramref name="parameters"/> (named from the composite).</summary>
    public Tensor Run(string name, Tensor x, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return this[name].Forward(x, parameters.Scope(name), context);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context) => Forward([x], parameters, context);

    /// <inheritdoc/>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return _forward is { } f
            ? f(this, inputs, parameters, context)
            : throw new InvalidOperationException(
                $"Composite '{Architecture}' has no forward pass of its own; run its children ({string.Join(", ", _children.Select(c => c.Name))}) with Run(name, ...).");
    }
}

using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>Runs its children in order, each on its own slice of the parameters (<c>0.weight</c>, <c>1.bias</c>, ...).</summary>
public sealed class Sequential : Module
{
    private readonly (string Name, Module Module)[] _children;

    /// <summary>Creates the chain with children named <c>0</c>, <c>1</c>, ...</summary>
    public Sequential(params Module[] modules)
        : this(modules.Select((m, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), m)))
    {
    }

    /// <summary>Creates the chain with named children (names must be unique and contain no dot).</summary>
    public Sequential(IEnumerable<(string Name, Module Module)> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        _children = children.ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, Module module) in _children)
        {
            ArgumentNullException.ThrowIfNull(module, name);
            if (string.IsNullOrEmpty(name) || name.Contains('.') || !seen.Add(name))
            {
                throw new ArgumentException($"Sequential: child name '{name}' is empty, contains a dot or is repeated; names form parameter paths.");
            }
        }
    }

    /// <summary>Number of children.</summary>
    public int Count => _children.Length;

    /// <summary>The child at <paramref name="index"/>.</summary>
    public Module this[int index] => _children[index].Module;

    /// <inheritdoc/>
    protected internal override IReadOnlyList<(string Name, Module Module)> Children => _children;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Tensor h = x;
        foreach ((string name, Module module) in _children)
        {
            h = module.Forward(h, parameters.Scope(name), context);
        }
        return h;
    }
}

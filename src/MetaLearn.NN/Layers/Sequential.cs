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
    /// <remarks>
    /// A batch-statistics <see cref="BatchNorm2d"/> followed by a 2x2 <see cref="MaxPool2d"/> and a <see cref="ReLU"/> (a
    /// convnet block's tail) runs as one op, <see cref="Functional.BatchNormMaxPoolRelu"/>: the same values and gradients
    /// without two full-size intermediates. The modules and their parameter names stay as they are.
    /// </remarks>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context) => ForwardFrom(0, x, parameters, context);

    /// <summary>
    /// Runs the children from index <paramref name="start"/> on, as <see cref="Forward(Tensor, ParameterSet, ForwardContext)"/>
    /// does (with the same fusion): for a caller that computed the first children itself in a cheaper way.
    /// </summary>
    public Tensor ForwardFrom(int start, Tensor x, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, _children.Length);
        Tensor h = x;
        for (int i = start; i < _children.Length; i++)
        {
            (string name, Module module) = _children[i];
            if (module is BatchNorm2d { Mode: BatchNormMode.BatchStatistics } norm && context.Statistics is null && i + 2 < _children.Length
                && _children[i + 1].Module is MaxPool2d { KernelSize: 2, Stride: 2 } && _children[i + 2].Module is ReLU)
            {
                h = norm.ForwardMaxPoolRelu(h, parameters.Scope(name), context);
                i += 2;
                continue;
            }
            h = module.Forward(h, parameters.Scope(name), context);
        }
        return h;
    }
}

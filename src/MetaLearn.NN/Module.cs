using System.Text;
using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// A network with explicitly named parameters. <see cref="Forward(Tensor)"/> runs it on its own parameters;
/// <see cref="Forward(Tensor, ParameterSet)"/> runs the very same network on substituted ones — the
/// functional call that MAML's inner loop ("fast weights"), Meta-SGD, CAVIA and VERSA are built on.
/// </summary>
/// <remarks>
/// There is no reflection: a leaf layer declares its own tensors (<see cref="OwnParameters"/>), a composite
/// lists its children (<see cref="Children"/>), and the full set is those names joined with dots, as in
/// PyTorch's <c>state_dict</c> (<c>features.0.weight</c>). A forward pass never mutates parameters, so many
/// tasks may call <see cref="Forward(Tensor, ParameterSet, ForwardContext)"/> on one module concurrently
/// (batch-norm running statistics are the documented exception, see <see cref="BatchNorm2d"/>).
/// </remarks>
public abstract class Module
{
    private ParameterSet _own = ParameterSet.Empty;

    /// <summary>Whether <see cref="Forward(Tensor)"/> runs in training mode (dropout active, batch-norm updating running statistics).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Short type name used in summaries and error messages, e.g. <c>Linear(1 -> 40)</c>.</summary>
    public virtual string Label => GetType().Name;

    /// <summary>Named sub-modules, in forward order. Empty for a leaf layer.</summary>
    protected internal virtual IReadOnlyList<(string Name, Module Module)> Children => [];

    /// <summary>The tensors this module owns directly (not its children's). Replacing them must keep names and shapes.</summary>
    protected ParameterSet OwnParameters
    {
        get => _own;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (_own.Count > 0)
            {
                _own.RequireSameStructure($"{Label}: setting parameters", value);
            }
            _own = value;
        }
    }

    /// <summary>
    /// Every trainable tensor of this module and its children, in order, named by path. Setting it replaces the
    /// values (e.g. after an optimizer step); the new set must have exactly the same names, shapes and dtypes.
    /// </summary>
    public ParameterSet Parameters
    {
        get => Collect(m => m._own);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Parameters.RequireSameStructure($"{Label}: setting Parameters", value);
            Distribute(value, (m, p) => m._own = p, m => m._own);
        }
    }

    /// <summary>
    /// Non-trainable state saved with a checkpoint (batch-norm running statistics), named like parameters.
    /// Setting it requires the same names and shapes.
    /// </summary>
    public ParameterSet Buffers
    {
        get => Collect(m => m.OwnBuffers);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Buffers.RequireSameStructure($"{Label}: setting Buffers", value);
            Distribute(value, (m, b) => m.OwnBuffers = b, m => m.OwnBuffers);
        }
    }

    /// <summary>This module's own non-trainable state; empty unless overridden.</summary>
    protected virtual ParameterSet OwnBuffers
    {
        get => ParameterSet.Empty;
        set
        {
        }
    }

    /// <summary>Runs the module on its own parameters in its current mode (<see cref="Training"/>).</summary>
    public Tensor Forward(Tensor x) => Forward(x, Parameters, new ForwardContext { Training = Training });

    /// <summary>Runs the module on <paramref name="parameters"/> instead of its own (same names), in its current mode.</summary>
    public Tensor Forward(Tensor x, ParameterSet parameters) => Forward(x, parameters, new ForwardContext { Training = Training });

    /// <summary>
    /// Runs the module on <paramref name="parameters"/> (named as in <see cref="Parameters"/>, relative to this module)
    /// with an explicit mode, inner-loop step and random stream.
    /// </summary>
    public abstract Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context);

    /// <summary>
    /// Runs a module that takes several inputs (a relation module's pair, an LSTM's input and state, a decoder's latent and
    /// context). Single-input modules accept exactly one input and run <see cref="Forward(Tensor, ParameterSet, ForwardContext)"/>.
    /// </summary>
    public virtual Tensor Forward(IReadOnlyList<Tensor> inputs, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count == 1
            ? Forward(inputs[0], parameters, context)
            : throw new ArgumentException($"{Label}: takes one input; got {inputs.Count}. Pass a single tensor.");
    }

    /// <summary>Sets training mode on this module and all children; returns this module.</summary>
    public Module Train(bool training = true)
    {
        Training = training;
        foreach ((_, Module child) in Children)
        {
            child.Train(training);
        }
        return this;
    }

    /// <summary>Sets evaluation mode (<c>Train(false)</c>); returns this module.</summary>
    public Module Eval() => Train(false);

    /// <summary>An indented tree of the modules with their parameter shapes.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Append(sb, "", 0);
        return sb.ToString().TrimEnd();
    }

    /// <summary>The tensor <paramref name="name"/> of <paramref name="parameters"/>, or an error naming this layer and the names present.</summary>
    protected Tensor Require(ParameterSet parameters, string name)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.TryGet(name, out Tensor? t))
        {
            return t;
        }
        throw new ArgumentException(
            $"{Label}: parameter '{name}' is missing from the ParameterSet passed to Forward (it has: {parameters.Describe()}). " +
            "Pass a set with the same names as this module's Parameters.");
    }

    private void Append(StringBuilder sb, string name, int depth)
    {
        sb.Append(' ', depth * 2);
        if (name.Length > 0)
        {
            sb.Append(name).Append(": ");
        }
        sb.Append(Label);
        if (_own.Count > 0)
        {
            sb.Append("  {").Append(_own.Describe()).Append('}');
        }
        sb.AppendLine();
        foreach ((string childName, Module child) in Children)
        {
            child.Append(sb, childName, depth + 1);
        }
    }

    private ParameterSet Collect(Func<Module, ParameterSet> own)
    {
        ParameterSet all = own(this);
        foreach ((string name, Module child) in Children)
        {
            ParameterSet c = child.Collect(own);
            if (c.Count > 0)
            {
                all = all.Concat(c.Prefix(name));
            }
        }
        return all;
    }

    private void Distribute(ParameterSet values, Action<Module, ParameterSet> set, Func<Module, ParameterSet> own)
    {
        ParameterSet mine = own(this);
        if (mine.Count > 0)
        {
            set(this, values.Filter((n, _) => mine.Contains(n)));
        }
        foreach ((string name, Module child) in Children)
        {
            child.Distribute(values.Scope(name), set, own);
        }
    }
}

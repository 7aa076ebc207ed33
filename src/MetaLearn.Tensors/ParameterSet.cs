using System.Collections;

namespace MetaLearn.Tensors;

/// <summary>
/// An immutable, ordered map from names (<c>features.0.weight</c>) to tensors: the parameters of a model,
/// its gradients, its "fast weights" in an inner loop, or an optimizer's state.
/// </summary>
/// <remarks>
/// Every "change" returns a new set that shares the tensors of the old one, so a set handed to another
/// task or thread cannot change under it. Order is insertion order and is kept by every helper, which is
/// what makes sums over a set (a global norm, a meta-gradient) come out the same on every run.
/// Names are dot-separated paths as in PyTorch's <c>state_dict</c>.
/// </remarks>
public sealed class ParameterSet : IReadOnlyList<KeyValuePair<string, Tensor>>
{
    private readonly string[] _names;
    private readonly Tensor[] _tensors;
    private readonly Dictionary<string, int> _index;

    /// <summary>The empty set.</summary>
    public static ParameterSet Empty { get; } = new([], []);

    /// <summary>Creates a set from name/tensor pairs, in the given order. Names must be unique and non-empty.</summary>
    public ParameterSet(IEnumerable<KeyValuePair<string, Tensor>> entries)
        : this(Unzip(entries, out Tensor[] tensors), tensors)
    {
    }

    private ParameterSet(string[] names, Tensor[] tensors)
    {
        _names = names;
        _tensors = tensors;
        _index = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            if (string.IsNullOrEmpty(names[i]))
            {
                throw new ArgumentException($"ParameterSet: entry {i} has an empty name; every parameter needs a name such as 'weight'.");
            }
            ArgumentNullException.ThrowIfNull(tensors[i], names[i]);
            if (!_index.TryAdd(names[i], i))
            {
                throw new ArgumentException($"ParameterSet: the name '{names[i]}' appears twice; names must be unique.");
            }
        }
    }

    /// <summary>Creates a set from (name, tensor) tuples, in order.</summary>
    public static ParameterSet Of(params (string Name, Tensor Tensor)[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return new ParameterSet(entries.Select(e => e.Name).ToArray(), entries.Select(e => e.Tensor).ToArray());
    }

    /// <summary>Number of entries.</summary>
    public int Count => _names.Length;

    /// <summary>The names, in order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The tensors, in order.</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <summary>Total number of scalar values over all tensors.</summary>
    public long ElementCount => _tensors.Sum(t => (long)t.Count);

    /// <summary>The entry at position <paramref name="index"/>.</summary>
    public KeyValuePair<string, Tensor> this[int index] => new(_names[index], _tensors[index]);

    /// <summary>The tensor named <paramref name="name"/>; throws, listing the names present, when it is missing.</summary>
    public Tensor this[string name] => TryGet(name, out Tensor? t)
        ? t
        : throw new KeyNotFoundException($"ParameterSet: no parameter named '{name}'. Present: {Describe()}.");

    /// <summary>Whether a tensor named <paramref name="name"/> is present.</summary>
    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>Looks up a tensor by name.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Tensor? tensor)
    {
        if (_index.TryGetValue(name, out int i))
        {
            tensor = _tensors[i];
            return true;
        }
        tensor = null;
        return false;
    }

    /// <summary>A copy with <paramref name="name"/> set to <paramref name="tensor"/> (replaced in place, or appended when new).</summary>
    public ParameterSet With(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (_index.TryGetValue(name, out int i))
        {
            Tensor[] tensors = (Tensor[])_tensors.Clone();
            tensors[i] = tensor;
            return new ParameterSet(_names, tensors);
        }
        return new ParameterSet([.. _names, name], [.. _tensors, tensor]);
    }

    /// <summary>Applies <paramref name="f"/> to every tensor, keeping the names and order.</summary>
    public ParameterSet Map(Func<Tensor, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new ParameterSet(_names, Array.ConvertAll(_tensors, t => f(t)));
    }

    /// <summary>Applies <paramref name="f"/> to every (name, tensor), keeping the names and order.</summary>
    public ParameterSet Map(Func<string, Tensor, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var tensors = new Tensor[Count];
        for (int i = 0; i < Count; i++)
        {
            tensors[i] = f(_names[i], _tensors[i]);
        }
        return new ParameterSet(_names, tensors);
    }

    /// <summary>
    /// Combines this set with <paramref name="other"/> tensor by tensor: <c>f(this[name], other[name])</c> for each name
    /// of this set, in this set's order. Both sets must hold the same names with the same shapes.
    /// </summary>
    public ParameterSet Zip(ParameterSet other, Func<Tensor, Tensor, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(f);
        RequireSameStructure("Zip", other);
        var tensors = new Tensor[Count];
        for (int i = 0; i < Count; i++)
        {
            tensors[i] = f(_tensors[i], other[_names[i]]);
        }
        return new ParameterSet(_names, tensors);
    }

    /// <summary>Like <see cref="Zip(ParameterSet, Func{Tensor, Tensor, Tensor})"/> over three sets (e.g. gradients, first and second moments).</summary>
    public ParameterSet Zip(ParameterSet second, ParameterSet third, Func<Tensor, Tensor, Tensor, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(third);
        ArgumentNullException.ThrowIfNull(f);
        RequireSameStructure("Zip", second);
        RequireSameStructure("Zip", third);
        var tensors = new Tensor[Count];
        for (int i = 0; i < Count; i++)
        {
            tensors[i] = f(_tensors[i], second[_names[i]], third[_names[i]]);
        }
        return new ParameterSet(_names, tensors);
    }

    /// <summary>The entries for which <paramref name="keep"/> is true, in order.</summary>
    public ParameterSet Filter(Func<string, Tensor, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var names = new List<string>();
        var tensors = new List<Tensor>();
        for (int i = 0; i < Count; i++)
        {
            if (keep(_names[i], _tensors[i]))
            {
                names.Add(_names[i]);
                tensors.Add(_tensors[i]);
            }
        }
        return new ParameterSet(names.ToArray(), tensors.ToArray());
    }

    /// <summary>
    /// The entries whose names start with <paramref name="prefix"/> followed by a dot, with that prefix removed:
    /// <c>Scope("head")</c> turns <c>head.weight</c> into <c>weight</c>. How a composite module hands its children their parameters.
    /// </summary>
    public ParameterSet Scope(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        string dotted = prefix + ".";
        var names = new List<string>();
        var tensors = new List<Tensor>();
        for (int i = 0; i < Count; i++)
        {
            if (_names[i].StartsWith(dotted, StringComparison.Ordinal))
            {
                names.Add(_names[i][dotted.Length..]);
                tensors.Add(_tensors[i]);
            }
        }
        return new ParameterSet(names.ToArray(), tensors.ToArray());
    }

    /// <summary>Every name prefixed with <paramref name="prefix"/> and a dot: the inverse of <see cref="Scope"/>.</summary>
    public ParameterSet Prefix(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return new ParameterSet(Array.ConvertAll(_names, n => prefix + "." + n), _tensors);
    }

    /// <summary>This set followed by <paramref name="other"/>; names must not overlap.</summary>
    public ParameterSet Concat(ParameterSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Count == 0 ? this : Count == 0 ? other : new ParameterSet([.. _names, .. other._names], [.. _tensors, .. other._tensors]);
    }

    /// <summary>Every tensor detached from its graph (values shared, no gradient history).</summary>
    public ParameterSet Detach() => Map(t => t.Detach());

    /// <summary>Every tensor detached and marked as a leaf requiring gradients: fresh parameters to differentiate with respect to.</summary>
    public ParameterSet AsLeaves() => Map(t => t.Detach().SetRequiresGrad());

    /// <summary>Zeros shaped like each tensor.</summary>
    public ParameterSet ZerosLike() => Map(Tensor.ZerosLike);

    /// <summary>
    /// Throws unless <paramref name="other"/> holds exactly these names (in any order) with the same shapes and dtypes,
    /// naming the first difference. <paramref name="operation"/> starts the message.
    /// </summary>
    public void RequireSameStructure(string operation, ParameterSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < Count; i++)
        {
            if (!other.TryGet(_names[i], out Tensor? t))
            {
                throw new ArgumentException($"{operation}: '{_names[i]}' is missing from the other parameter set. It has: {other.Describe()}.");
            }
            Tensor mine = _tensors[i];
            if (!Shapes.Equal(mine.Shape, t.Shape) || mine.DType != t.DType)
            {
                throw new ArgumentException(
                    $"{operation}: '{_names[i]}' is {mine.DType.Name()} {Shapes.Format(mine.Shape)} here but {t.DType.Name()} {Shapes.Format(t.Shape)} in the other set.");
            }
        }
        if (other.Count != Count)
        {
            string extra = other._names.First(n => !Contains(n));
            throw new ArgumentException($"{operation}: the other parameter set has an extra entry '{extra}' not present here ({Describe()}).");
        }
    }

    /// <summary>The names with shapes, e.g. <c>weight [64, 1, 3, 3], bias [64]</c> (the first few of a large set).</summary>
    public string Describe()
    {
        if (Count == 0)
        {
            return "(no parameters)";
        }
        const int Shown = 12;
        string list = string.Join(", ", _names.Take(Shown).Select((n, i) => $"{n} {Shapes.Format(_tensors[i].Shape)}"));
        return Count > Shown ? $"{list}, ... ({Count} in all)" : list;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return new KeyValuePair<string, Tensor>(_names[i], _tensors[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A one-line summary: the count and the names with shapes.</summary>
    public override string ToString() => $"ParameterSet({Count}: {Describe()})";

    private static string[] Unzip(IEnumerable<KeyValuePair<string, Tensor>> entries, out Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(entries);
        KeyValuePair<string, Tensor>[] list = entries.ToArray();
        tensors = list.Select(e => e.Value).ToArray();
        return list.Select(e => e.Key).ToArray();
    }
}

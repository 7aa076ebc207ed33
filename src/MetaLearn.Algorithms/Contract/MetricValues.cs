using System.Collections;
using System.Globalization;

namespace MetaLearn.Algorithms;

/// <summary>Named metric values in a fixed order (what a step or an episode measured), e.g. <c>loss 0.41, accuracy 0.92</c>.</summary>
public sealed class MetricValues : IReadOnlyList<KeyValuePair<string, double>>
{
    private readonly KeyValuePair<string, double>[] _entries;

    /// <summary>Makes the values; names must be distinct.</summary>
    public MetricValues(params IEnumerable<(string Name, double Value)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = [.. entries.Select(e => new KeyValuePair<string, double>(e.Name, e.Value))];
        for (int i = 0; i < _entries.Length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (_entries[i].Key == _entries[j].Key)
                {
                    throw new ArgumentException($"MetricValues: metric '{_entries[i].Key}' is given twice.");
                }
            }
        }
    }

    /// <summary>No values.</summary>
    public static MetricValues Empty { get; } = new();

    /// <inheritdoc/>
    public int Count => _entries.Length;

    /// <summary>The names, in order.</summary>
    public IEnumerable<string> Names => _entries.Select(e => e.Key);

    /// <inheritdoc/>
    public KeyValuePair<string, double> this[int index] => _entries[index];

    /// <summary>The value of <paramref name="name"/>, or an error naming the metrics there are.</summary>
    public double this[string name] => TryGet(name, out double v)
        ? v
        : throw new KeyNotFoundException($"no metric '{name}' among [{string.Join(", ", Names)}].");

    /// <summary>The value of <paramref name="name"/> when present.</summary>
    public bool TryGet(string name, out double value)
    {
        foreach (KeyValuePair<string, double> e in _entries)
        {
            if (e.Key == name)
            {
                value = e.Value;
                return true;
            }
        }
        value = double.NaN;
        return false;
    }

    /// <summary>
    /// The mean of each metric over <paramref name="values"/> (all with the same names in the same order), summed in
    /// list order so the result does not depend on how the list was computed.
    /// </summary>
    public static MetricValues Mean(IReadOnlyList<MetricValues> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return Empty;
        }
        MetricValues first = values[0];
        var sums = new double[first.Count];
        foreach (MetricValues v in values)
        {
            if (v.Count != first.Count)
            {
                throw new ArgumentException($"MetricValues.Mean: [{string.Join(", ", v.Names)}] differs from [{string.Join(", ", first.Names)}].");
            }
            for (int k = 0; k < sums.Length; k++)
            {
                if (v._entries[k].Key != first._entries[k].Key)
                {
                    throw new ArgumentException($"MetricValues.Mean: [{string.Join(", ", v.Names)}] differs from [{string.Join(", ", first.Names)}].");
                }
                sums[k] += v._entries[k].Value;
            }
        }
        return new MetricValues(first._entries.Select((e, k) => (e.Key, sums[k] / values.Count)));
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, double>>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>E.g. <c>loss 0.4100, accuracy 0.9200</c>.</summary>
    public override string ToString() => string.Join(", ", _entries.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key} {e.Value:F4}")));
}

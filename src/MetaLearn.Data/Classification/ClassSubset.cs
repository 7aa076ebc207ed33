namespace MetaLearn.Data;

/// <summary>
/// A view of some classes of another dataset, in the given order; class i here is class
/// <see cref="SourceClasses"/>[i] there. Splits are built from these, so no data is copied.
/// </summary>
public sealed class ClassSubset : ILabeledDataset
{
    private readonly ILabeledDataset _inner;
    private readonly int[] _classes;

    /// <summary>Creates the view; <paramref name="classes"/> must be distinct valid class indices of <paramref name="inner"/>.</summary>
    public ClassSubset(ILabeledDataset inner, IReadOnlyList<int> classes, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(classes);
        _inner = inner;
        _classes = [.. classes];
        Name = name ?? $"{inner.Name} ({_classes.Length} of {inner.ClassCount} classes)";
        var seen = new HashSet<int>();
        foreach (int c in _classes)
        {
            if ((uint)c >= (uint)inner.ClassCount)
            {
                throw new ArgumentOutOfRangeException(nameof(classes), $"ClassSubset of {inner.Name}: class {c} does not exist; there are {inner.ClassCount} classes.");
            }
            if (!seen.Add(c))
            {
                throw new ArgumentException($"ClassSubset of {inner.Name}: class {c} ('{inner.ClassName(c)}') is listed twice.");
            }
        }
    }

    /// <summary>The class indices in the underlying dataset, in this view's order.</summary>
    public IReadOnlyList<int> SourceClasses => _classes;

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int ClassCount => _classes.Length;

    /// <inheritdoc/>
    public IReadOnlyList<int> SampleShape => _inner.SampleShape;

    /// <inheritdoc/>
    public string ClassName(int classIndex) => _inner.ClassName(_classes[classIndex]);

    /// <inheritdoc/>
    public int SampleCount(int classIndex) => _inner.SampleCount(_classes[classIndex]);

    /// <inheritdoc/>
    public void ReadSample(int classIndex, int sampleIndex, Span<float> destination)
    {
        this.CheckIndex(classIndex, sampleIndex);
        _inner.ReadSample(_classes[classIndex], sampleIndex, destination);
    }
}

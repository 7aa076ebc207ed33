namespace MetaLearn.Data;

/// <summary>A labeled dataset whose samples are already float arrays in memory (made in tests, or by user code).</summary>
public sealed class InMemoryDataset : ILabeledDataset
{
    private readonly float[][][] _samples;
    private readonly string[] _names;
    private readonly int[] _shape;

    /// <summary>
    /// Creates the dataset. <paramref name="samples"/>[c][i] is sample i of class c and must hold
    /// product(<paramref name="sampleShape"/>) floats; every class needs at least one sample.
    /// </summary>
    public InMemoryDataset(string name, IReadOnlyList<int> sampleShape, IReadOnlyList<string> classNames, IReadOnlyList<IReadOnlyList<float[]>> samples)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(samples);
        if (classNames.Count != samples.Count)
        {
            throw new ArgumentException($"InMemoryDataset '{name}': {classNames.Count} class names for {samples.Count} classes.");
        }
        if (sampleShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"InMemoryDataset '{name}': sample shape [{string.Join(", ", sampleShape)}] must have positive dimensions.");
        }
        Name = name;
        _shape = [.. sampleShape];
        _names = [.. classNames];
        int size = _shape.Aggregate(1, (a, b) => a * b);
        _samples = new float[samples.Count][][];
        for (int c = 0; c < samples.Count; c++)
        {
            if (samples[c].Count == 0)
            {
                throw new ArgumentException($"InMemoryDataset '{name}': class '{_names[c]}' has no samples; remove it or add some.");
            }
            _samples[c] = new float[samples[c].Count][];
            for (int i = 0; i < samples[c].Count; i++)
            {
                float[] s = samples[c][i];
                if (s is null || s.Length != size)
                {
                    throw new ArgumentException($"InMemoryDataset '{name}': sample {i} of class '{_names[c]}' has {s?.Length ?? 0} values; shape [{string.Join(", ", _shape)}] needs {size}.");
                }
                _samples[c][i] = s;
            }
        }
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int ClassCount => _samples.Length;

    /// <inheritdoc/>
    public IReadOnlyList<int> SampleShape => _shape;

    /// <inheritdoc/>
    public string ClassName(int classIndex) => _names[classIndex];

    /// <inheritdoc/>
    public int SampleCount(int classIndex) => _samples[classIndex].Length;

    /// <inheritdoc/>
    public void ReadSample(int classIndex, int sampleIndex, Span<float> destination)
    {
        this.CheckIndex(classIndex, sampleIndex);
        _samples[classIndex][sampleIndex].CopyTo(destination);
    }
}

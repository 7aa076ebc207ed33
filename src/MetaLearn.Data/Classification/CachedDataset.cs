namespace MetaLearn.Data;

/// <summary>
/// Keeps every sample of another dataset in memory after its first read, so a lazily decoding dataset (a zip
/// of PNGs) pays the decode once. <see cref="Preload"/> decodes everything up front, in parallel.
/// </summary>
/// <remarks>Omniglot at 28x28 float32 is about 100 MB for all 32,460 drawings.</remarks>
public sealed class CachedDataset : ILabeledDataset
{
    private readonly ILabeledDataset _inner;
    private readonly float[]?[][] _cache;

    /// <summary>Wraps <paramref name="inner"/>; nothing is read until a sample is requested or <see cref="Preload"/> runs.</summary>
    public CachedDataset(ILabeledDataset inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _cache = new float[]?[inner.ClassCount][];
        for (int c = 0; c < _cache.Length; c++)
        {
            _cache[c] = new float[inner.SampleCount(c)][];
        }
    }

    /// <inheritdoc/>
    public string Name => _inner.Name;

    /// <inheritdoc/>
    public int ClassCount => _inner.ClassCount;

    /// <inheritdoc/>
    public IReadOnlyList<int> SampleShape => _inner.SampleShape;

    /// <inheritdoc/>
    public string ClassName(int classIndex) => _inner.ClassName(classIndex);

    /// <inheritdoc/>
    public int SampleCount(int classIndex) => _cache[classIndex].Length;

    /// <summary>Decodes and keeps every sample now; returns this dataset for chaining.</summary>
    /// <param name="maxDegreeOfParallelism">Threads to decode with; -1 for all cores.</param>
    public CachedDataset Preload(int maxDegreeOfParallelism = -1)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, ClassCount, options, c =>
        {
            for (int i = 0; i < _cache[c].Length; i++)
            {
                Get(c, i);
            }
        });
        return this;
    }

    /// <inheritdoc/>
    public void ReadSample(int classIndex, int sampleIndex, Span<float> destination)
    {
        this.CheckIndex(classIndex, sampleIndex);
        Get(classIndex, sampleIndex).CopyTo(destination);
    }

    private float[] Get(int c, int i)
    {
        float[]? cached = Volatile.Read(ref _cache[c][i]);
        if (cached is null)
        {
            // Two threads may decode the same sample; both results are identical, the first one stored wins.
            var fresh = new float[this.SampleSize()];
            _inner.ReadSample(c, i, fresh);
            cached = Interlocked.CompareExchange(ref _cache[c][i], fresh, null) ?? fresh;
        }
        return cached;
    }
}

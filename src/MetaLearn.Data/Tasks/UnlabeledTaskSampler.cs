using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// Draws <see cref="UnlabeledTask"/>s from any dataset: <see cref="SupportSize"/> + <see cref="QuerySize"/> distinct
/// samples chosen uniformly from all of its samples pooled together. No label, class name or class grouping reaches
/// the task: the sampler only numbers the samples 0..N-1 once, when it is built.
/// </summary>
/// <remarks>All randomness comes from the <see cref="Rng"/> passed to <see cref="Sample"/>; the sampler may be shared by threads.</remarks>
public sealed class UnlabeledTaskSampler : ITaskSource<UnlabeledTask>
{
    private readonly ILabeledDataset _dataset;
    private readonly (int Class, int Sample)[] _samples;

    /// <summary>Indexes <paramref name="dataset"/>, which must hold at least <paramref name="supportSize"/> + <paramref name="querySize"/> samples.</summary>
    public UnlabeledTaskSampler(ILabeledDataset dataset, int supportSize, int querySize)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (supportSize < 1 || querySize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(supportSize), $"UnlabeledTaskSampler: needs supportSize >= 1 and querySize >= 0; got {supportSize} and {querySize}.");
        }
        var samples = new List<(int, int)>();
        for (int c = 0; c < dataset.ClassCount; c++)
        {
            for (int i = 0; i < dataset.SampleCount(c); i++)
            {
                samples.Add((c, i));
            }
        }
        if (samples.Count < supportSize + querySize)
        {
            throw new ArgumentException(
                $"UnlabeledTaskSampler over {dataset.Name}: {supportSize} support + {querySize} query samples are needed but the dataset holds {samples.Count}.");
        }
        _dataset = dataset;
        _samples = [.. samples];
        SupportSize = supportSize;
        QuerySize = querySize;
    }

    /// <summary>Support inputs per task.</summary>
    public int SupportSize { get; }

    /// <summary>Query inputs per task.</summary>
    public int QuerySize { get; }

    /// <inheritdoc/>
    public TaskKind Kind => TaskKind.Unlabeled;

    /// <inheritdoc/>
    public UnlabeledTask Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int[] chosen = rng.Choose(_samples.Length, SupportSize + QuerySize);
        return new UnlabeledTask(Read(chosen.AsSpan(0, SupportSize)), Read(chosen.AsSpan(SupportSize)));
    }

    private Tensor Read(ReadOnlySpan<int> positions)
    {
        int size = _dataset.SampleSize();
        float[] values = GC.AllocateUninitializedArray<float>(positions.Length * size);
        for (int r = 0; r < positions.Length; r++)
        {
            (int c, int i) = _samples[positions[r]];
            _dataset.ReadSample(c, i, values.AsSpan(r * size, size));
        }
        return Tensor.FromArray(values, [positions.Length, .. _dataset.SampleShape]);
    }
}

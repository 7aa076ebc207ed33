using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// Draws N-way K-shot classification tasks from a labeled dataset through a chain of transforms, like
/// learn2learn's <c>TaskDataset</c>: e.g. <c>new TaskSampler(data, new NWays(5), new KShots(1, 15), new RemapLabels())</c>.
/// The chain decides indices first; only the chosen samples are then read (decoded, or copied from a
/// <see cref="CachedDataset"/>).
/// </summary>
/// <remarks>
/// All randomness comes from the <see cref="Rng"/> passed to <see cref="Sample"/>, so a seed fixes the episodes.
/// A sampler holds no mutable state and may be shared by threads, each with its own Rng.
/// </remarks>
public sealed class TaskSampler : ITaskSource<FewShotTask>
{
    private readonly ITaskTransform[] _transforms;

    /// <summary>
    /// Builds the sampler and validates the chain against the dataset once: it must choose classes
    /// (<see cref="NWays"/>) before choosing samples (<see cref="KShots"/>), and the dataset must be big enough.
    /// </summary>
    public TaskSampler(ILabeledDataset dataset, params ITaskTransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(transforms);
        Dataset = dataset;
        _transforms = [.. transforms];
        int ways = Array.FindIndex(_transforms, t => t is NWays);
        int shots = Array.FindIndex(_transforms, t => t is KShots);
        if (ways < 0 || shots < 0)
        {
            throw new ArgumentException(
                $"TaskSampler over {dataset.Name}: the transforms [{string.Join(", ", _transforms.Select(t => t?.ToString()))}] need an NWays and a KShots, " +
                "e.g. new TaskSampler(data, new NWays(5), new KShots(1, 15), new RemapLabels()).");
        }
        if (shots < ways)
        {
            throw new ArgumentException($"TaskSampler over {dataset.Name}: KShots comes before NWays; classes must be chosen before their samples. Put NWays first.");
        }
        foreach (ITaskTransform t in _transforms)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(transforms));
            t.Validate(dataset);
        }
        Ways = ((NWays)_transforms[ways]).Ways;
        Shots = ((KShots)_transforms[shots]).Shots;
        Queries = ((KShots)_transforms[shots]).Queries;
    }

    /// <summary>The dataset tasks are drawn from.</summary>
    public ILabeledDataset Dataset { get; }

    /// <summary>The transforms, in the order they run.</summary>
    public IReadOnlyList<ITaskTransform> Transforms => _transforms;

    /// <summary>Classes per task.</summary>
    public int Ways { get; }

    /// <summary>Support samples per class.</summary>
    public int Shots { get; }

    /// <summary>Query samples per class.</summary>
    public int Queries { get; }

    /// <inheritdoc/>
    public TaskKind Kind => TaskKind.Classification;

    /// <summary>Runs the transforms only: which classes, samples, labels and rotations the next task would use.</summary>
    public TaskDraft SampleDraft(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var draft = new TaskDraft(Dataset);
        foreach (ITaskTransform t in _transforms)
        {
            t.Apply(draft, rng);
        }
        return draft;
    }

    /// <inheritdoc/>
    public FewShotTask Sample(Rng rng) => Load(SampleDraft(rng));

    /// <summary>Reads the samples a draft names and assembles the task tensors [rows, ...SampleShape].</summary>
    public FewShotTask Load(TaskDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.Support is null || draft.Query is null)
        {
            throw new InvalidOperationException("TaskSampler.Load: the draft has no samples chosen; it must come from SampleDraft.");
        }
        int n = draft.Classes.Length;
        (Tensor supportX, int[] supportY) = Assemble(draft, draft.Support);
        (Tensor queryX, int[] queryY) = Assemble(draft, draft.Query);
        var names = new string[n];
        for (int k = 0; k < n; k++)
        {
            names[k] = ClassRotation.Describe(Dataset.ClassName(draft.Classes[k]), draft.QuarterTurns[k]);
        }
        return FewShotTask.Classification(supportX, supportY, queryX, queryY, n, Shots, Queries, draft.Classes, names);
    }

    /// <inheritdoc/>
    public override string ToString() => $"TaskSampler over {Dataset.Name}: {string.Join(" -> ", _transforms.Select(t => t.ToString()))}";

    private (Tensor Inputs, int[] Labels) Assemble(TaskDraft draft, int[][] indices)
    {
        int size = Dataset.SampleSize();
        int rows = 0;
        foreach (int[] a in indices)
        {
            rows += a.Length;
        }
        // Every element is written below; skipping the zeroing matters for 60-way tasks (megabytes per episode).
        float[] values = GC.AllocateUninitializedArray<float>(rows * size);
        var labels = new int[rows];
        int row = 0;
        for (int k = 0; k < indices.Length; k++)
        {
            foreach (int i in indices[k])
            {
                ClassRotation.ReadRotated(Dataset, draft.Classes[k], i, draft.QuarterTurns[k], values.AsSpan(row * size, size));
                labels[row++] = draft.Labels[k];
            }
        }
        return (Tensor.FromArray(values, [rows, .. Dataset.SampleShape]), labels);
    }
}

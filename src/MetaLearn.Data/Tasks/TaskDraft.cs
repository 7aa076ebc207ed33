namespace MetaLearn.Data;

/// <summary>
/// A task being described, before any sample is read: which classes, which sample indices, which labels and
/// rotations. <see cref="ITaskTransform"/>s fill it in; <see cref="TaskSampler"/> then reads only these samples.
/// Arrays are indexed by task class (the position a class was chosen in).
/// </summary>
public sealed class TaskDraft
{
    internal TaskDraft(ILabeledDataset dataset) => Dataset = dataset;

    /// <summary>The dataset the task is drawn from.</summary>
    public ILabeledDataset Dataset { get; }

    /// <summary>Dataset class of each task class; set by <see cref="NWays"/>.</summary>
    public int[] Classes { get; set; } = [];

    /// <summary>Label of each task class; the dataset class id until <see cref="RemapLabels"/> runs.</summary>
    public int[] Labels { get; set; } = [];

    /// <summary>Counter-clockwise quarter turns of each task class; 0 unless <see cref="ClassRotation"/> runs.</summary>
    public int[] QuarterTurns { get; set; } = [];

    /// <summary>Support sample indices of each task class; set by <see cref="KShots"/>.</summary>
    public int[][]? Support { get; set; }

    /// <summary>Query sample indices of each task class; set by <see cref="KShots"/>.</summary>
    public int[][]? Query { get; set; }
}

using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// Relabels the task's classes 0..N-1 in the order they were chosen (learn2learn's <c>RemapLabels</c>). Because
/// <see cref="NWays"/> chooses in random order, label 0 is a different class in every task.
/// </summary>
public sealed class RemapLabels : ITaskTransform
{
    /// <inheritdoc/>
    public void Validate(ILabeledDataset dataset)
    {
    }

    /// <inheritdoc/>
    public void Apply(TaskDraft draft, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var labels = new int[draft.Classes.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = i;
        }
        draft.Labels = labels;
    }

    /// <inheritdoc/>
    public override string ToString() => "RemapLabels";
}

using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>Chooses <see cref="Ways"/> distinct classes uniformly at random, in random order (learn2learn's <c>NWays</c>).</summary>
public sealed class NWays : ITaskTransform
{
    /// <summary>Creates the transform; <paramref name="ways"/> must be at least 1.</summary>
    public NWays(int ways)
    {
        if (ways < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ways), $"NWays: ways must be at least 1, got {ways}.");
        }
        Ways = ways;
    }

    /// <summary>Classes per task.</summary>
    public int Ways { get; }

    /// <inheritdoc/>
    public void Validate(ILabeledDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (Ways > dataset.ClassCount)
        {
            throw new ArgumentException(
                $"NWays({Ways}): the dataset {dataset.Name} has only {dataset.ClassCount} classes, fewer than the {Ways} ways asked for. " +
                "Use fewer ways or a split with more classes.");
        }
    }

    /// <inheritdoc/>
    public void Apply(TaskDraft draft, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(rng);
        draft.Classes = rng.Choose(draft.Dataset.ClassCount, Ways);
        draft.Labels = (int[])draft.Classes.Clone();
        draft.QuarterTurns = new int[Ways];
        draft.Support = null;
        draft.Query = null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"NWays({Ways})";
}

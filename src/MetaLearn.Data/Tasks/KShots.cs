using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// For each chosen class, draws <see cref="Shots"/> support and <see cref="Queries"/> query samples without
/// replacement, so support and query never share a sample (learn2learn's <c>KShots</c> with separate counts,
/// as in MAML's "K-shot, 15 queries" protocol).
/// </summary>
public sealed class KShots : ITaskTransform
{
    /// <summary>Creates the transform; needs shots >= 1 and queries >= 0.</summary>
    public KShots(int shots, int queries)
    {
        if (shots < 1 || queries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(shots), $"KShots: needs shots >= 1 and queries >= 0, got shots={shots}, queries={queries}.");
        }
        Shots = shots;
        Queries = queries;
    }

    /// <summary>Support samples per class.</summary>
    public int Shots { get; }

    /// <summary>Query samples per class.</summary>
    public int Queries { get; }

    /// <inheritdoc/>
    public void Validate(ILabeledDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int needed = Shots + Queries;
        int shortCount = 0, firstShort = -1;
        for (int c = 0; c < dataset.ClassCount; c++)
        {
            if (dataset.SampleCount(c) < needed)
            {
                shortCount++;
                firstShort = firstShort < 0 ? c : firstShort;
            }
        }
        if (shortCount > 0)
        {
            throw new ArgumentException(
                $"KShots({Shots}, {Queries}): class '{dataset.ClassName(firstShort)}' of {dataset.Name} has {dataset.SampleCount(firstShort)} samples, " +
                $"fewer than the {needed} that {Shots} shots + {Queries} queries need ({shortCount} class(es) are short). " +
                "Use fewer shots or queries, or add samples to that class.");
        }
    }

    /// <inheritdoc/>
    public void Apply(TaskDraft draft, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(rng);
        if (draft.Classes.Length == 0)
        {
            throw new InvalidOperationException("KShots: no classes have been chosen yet; put NWays before KShots in the sampler's transforms.");
        }
        int n = draft.Classes.Length;
        var support = new int[n][];
        var query = new int[n][];
        for (int k = 0; k < n; k++)
        {
            int[] picked = rng.Choose(draft.Dataset.SampleCount(draft.Classes[k]), Shots + Queries);
            support[k] = picked[..Shots];
            query[k] = picked[Shots..];
        }
        draft.Support = support;
        draft.Query = query;
    }

    /// <inheritdoc/>
    public override string ToString() => $"KShots({Shots}, {Queries})";
}

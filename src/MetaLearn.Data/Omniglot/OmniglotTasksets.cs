namespace MetaLearn.Data;

/// <summary>Which standard Omniglot protocol a preset follows.</summary>
public enum OmniglotProtocol
{
    /// <summary>Vinyals et al. (2016): 1,200 training characters (1,100 train + 100 validation) and 423 test, each rotated into 4 classes.</summary>
    Vinyals,

    /// <summary>Lake et al. (2015): background alphabets to train (5 held out to validate), evaluation alphabets to test; no rotations.</summary>
    Lake,
}

/// <summary>Train, validation and test task samplers over disjoint classes, plus the split they came from.</summary>
/// <param name="Train">Tasks for meta-training.</param>
/// <param name="Validation">Tasks for model selection (null when the split has no validation classes).</param>
/// <param name="Test">Tasks for the final evaluation.</param>
/// <param name="Split">The split, to record with the run.</param>
/// <param name="Owner">What to dispose when done (the open zips).</param>
public sealed record TaskSets(TaskSampler Train, TaskSampler? Validation, TaskSampler Test, OmniglotSplit Split, IDisposable Owner) : IDisposable
{
    /// <summary>Closes the underlying files.</summary>
    public void Dispose() => Owner.Dispose();
}

/// <summary>
/// Ready-made Omniglot task sets, like learn2learn's <c>get_tasksets('omniglot', ...)</c>: the usual 5/20-way,
/// 1/5-shot benchmarks from the official zips, 28x28, ink = 1, decoded lazily into an in-memory cache.
/// </summary>
public static class OmniglotTasksets
{
    /// <summary>
    /// Opens images_background and images_evaluation under <paramref name="root"/> (zips or extracted folders),
    /// makes the <paramref name="protocol"/> split with <paramref name="splitSeed"/>, and returns samplers of
    /// <paramref name="ways"/>-way <paramref name="shots"/>-shot tasks with <paramref name="queries"/> query drawings
    /// per class (default: as many as shots, as in MAML and learn2learn). Labels are remapped to 0..ways-1.
    /// </summary>
    public static TaskSets Create(string root, OmniglotProtocol protocol = OmniglotProtocol.Vinyals, int ways = 5, int shots = 1,
        int? queries = null, ulong splitSeed = 1, int imageSize = 28)
    {
        OmniglotDataset data = OmniglotDataset.Open(root, imageSize, OmniglotSet.Background, OmniglotSet.Evaluation);
        try
        {
            OmniglotSplit split = protocol == OmniglotProtocol.Vinyals ? OmniglotSplit.Vinyals(data, splitSeed) : OmniglotSplit.Lake(data, seed: splitSeed);
            return Create(data, split, ways, shots, queries ?? shots, rotate: protocol == OmniglotProtocol.Vinyals);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Task sets for any split of an opened dataset. With <paramref name="rotate"/> every character of every part
    /// becomes four classes (0/90/180/270 degrees), as in the Vinyals protocol.
    /// </summary>
    public static TaskSets Create(OmniglotDataset data, OmniglotSplit split, int ways, int shots, int queries, bool rotate)
        => Create(data, split, new EpisodeShape(ways, shots, queries), new EpisodeShape(ways, shots, queries), rotate);

    /// <summary>
    /// Task sets whose training episodes have another shape than the validation and test episodes (ProtoNet's 60-way
    /// training for 5-way tests, Reptile's 10 training shots), and test episodes another shape again when
    /// <paramref name="test"/> is given (default: <paramref name="evaluation"/>). The dataset is decoded once, into one
    /// cache shared by all three parts.
    /// </summary>
    public static TaskSets Create(OmniglotDataset data, OmniglotSplit split, EpisodeShape train, EpisodeShape evaluation, bool rotate, EpisodeShape? test = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(evaluation);
        var cached = new CachedDataset(data);
        var (trainPart, validationPart, testPart) = split.Apply(cached);
        TaskSampler Sampler(ILabeledDataset part, EpisodeShape shape) =>
            new(rotate ? new RotatedClasses(part) : part, new NWays(shape.Ways), new KShots(shape.Shots, shape.Queries), new RemapLabels());
        TaskSampler trainSampler = Sampler(trainPart, train);
        TaskSampler testSampler = Sampler(testPart, test ?? evaluation);
        TaskSampler? validationSampler = validationPart.ClassCount > 0 ? Sampler(validationPart, evaluation) : null;
        return new TaskSets(trainSampler, validationSampler, testSampler, split, data);
    }
}

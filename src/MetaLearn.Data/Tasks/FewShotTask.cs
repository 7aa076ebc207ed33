using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// One few-shot task (an "episode"): a support set to adapt on and a query set to evaluate on.
/// Classification tasks carry integer labels 0..Ways-1 (or original class ids when labels are not remapped);
/// regression tasks carry target tensors.
/// </summary>
/// <remarks>
/// Classification samples are grouped by label: support rows are label 0's <see cref="Shots"/> samples, then
/// label 1's, and so on; the query set is laid out the same way with <see cref="Queries"/> per label. Inputs are
/// float32 leaves with no gradient.
/// </remarks>
public sealed class FewShotTask : ITask
{
    private FewShotTask(Tensor supportInputs, Tensor queryInputs, int ways, int shots, int queries)
    {
        SupportInputs = supportInputs;
        QueryInputs = queryInputs;
        Ways = ways;
        Shots = shots;
        Queries = queries;
    }

    /// <summary>Support inputs, first dimension = number of support samples.</summary>
    public Tensor SupportInputs { get; }

    /// <summary>Query inputs, first dimension = number of query samples.</summary>
    public Tensor QueryInputs { get; }

    /// <summary>Support labels (classification), one per support row; null for regression.</summary>
    public int[]? SupportLabels { get; private init; }

    /// <summary>Query labels (classification), one per query row; null for regression.</summary>
    public int[]? QueryLabels { get; private init; }

    /// <summary>Support targets (regression), first dimension = support rows; null for classification.</summary>
    public Tensor? SupportTargets { get; private init; }

    /// <summary>Query targets (regression), first dimension = query rows; null for classification.</summary>
    public Tensor? QueryTargets { get; private init; }

    /// <summary>Classes in the task (N of N-way); 0 for regression.</summary>
    public int Ways { get; }

    /// <summary>Support samples per class (K of K-shot); for regression, the number of support points.</summary>
    public int Shots { get; }

    /// <summary>Query samples per class; for regression, the number of query points.</summary>
    public int Queries { get; }

    /// <summary>For label l, the dataset class it came from (for traceability); empty for regression.</summary>
    public IReadOnlyList<int> ClassIds { get; private init; } = [];

    /// <summary>For label l, a readable class name (dataset name plus any rotation); empty for regression.</summary>
    public IReadOnlyList<string> ClassNames { get; private init; } = [];

    /// <summary>A short human-readable description, e.g. the sinusoid's amplitude and phase.</summary>
    public string Description { get; private init; } = "";

    /// <summary>True when the task has labels rather than regression targets.</summary>
    public bool IsClassification => SupportLabels is not null;

    /// <inheritdoc/>
    public TaskKind Kind => IsClassification ? TaskKind.Classification : TaskKind.Regression;

    /// <inheritdoc/>
    TaskSupport ITask.Support => Support;

    /// <summary>The support set: inputs with labels (classification) or targets (regression).</summary>
    public SupportSet Support => new(SupportInputs, SupportLabels, SupportTargets, Ways);

    /// <summary>Makes a classification task, checking that every count agrees with the tensors.</summary>
    public static FewShotTask Classification(
        Tensor supportInputs, int[] supportLabels, Tensor queryInputs, int[] queryLabels,
        int ways, int shots, int queries, IReadOnlyList<int> classIds, IReadOnlyList<string>? classNames = null, string description = "")
    {
        ArgumentNullException.ThrowIfNull(supportInputs);
        ArgumentNullException.ThrowIfNull(queryInputs);
        ArgumentNullException.ThrowIfNull(supportLabels);
        ArgumentNullException.ThrowIfNull(queryLabels);
        ArgumentNullException.ThrowIfNull(classIds);
        CheckRows("support", supportInputs, ways * shots, $"{ways} ways x {shots} shots");
        CheckRows("query", queryInputs, ways * queries, $"{ways} ways x {queries} queries");
        if (supportLabels.Length != ways * shots || queryLabels.Length != ways * queries)
        {
            throw new ArgumentException($"FewShotTask: {supportLabels.Length} support / {queryLabels.Length} query labels for {ways} ways, {shots} shots, {queries} queries.");
        }
        if (classIds.Count != ways || (classNames is not null && classNames.Count != ways))
        {
            throw new ArgumentException($"FewShotTask: {classIds.Count} class ids / {classNames?.Count} names for {ways} ways; give one per label.");
        }
        return new FewShotTask(supportInputs, queryInputs, ways, shots, queries)
        {
            SupportLabels = supportLabels,
            QueryLabels = queryLabels,
            ClassIds = classIds,
            ClassNames = classNames ?? [.. classIds.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            Description = description,
        };
    }

    /// <summary>Makes a regression task: inputs [K, ...] with targets [K, ...], and likewise for the query set.</summary>
    public static FewShotTask Regression(Tensor supportInputs, Tensor supportTargets, Tensor queryInputs, Tensor queryTargets, string description = "")
    {
        ArgumentNullException.ThrowIfNull(supportInputs);
        ArgumentNullException.ThrowIfNull(supportTargets);
        ArgumentNullException.ThrowIfNull(queryInputs);
        ArgumentNullException.ThrowIfNull(queryTargets);
        int shots = supportInputs.Rank == 0 ? 0 : supportInputs.Size(0);
        int queries = queryInputs.Rank == 0 ? 0 : queryInputs.Size(0);
        CheckRows("support targets", supportTargets, shots, "the support inputs");
        CheckRows("query targets", queryTargets, queries, "the query inputs");
        return new FewShotTask(supportInputs, queryInputs, 0, shots, queries)
        {
            SupportTargets = supportTargets,
            QueryTargets = queryTargets,
            Description = description,
        };
    }

    /// <inheritdoc/>
    public override string ToString() => IsClassification
        ? $"FewShotTask {Ways}-way {Shots}-shot, {Queries} queries per class, classes [{string.Join(", ", ClassNames)}]"
        : $"FewShotTask regression, {Shots} support / {Queries} query points{(Description.Length > 0 ? ": " + Description : "")}";

    private static void CheckRows(string what, Tensor t, int expected, string because)
    {
        if (t.Rank == 0 || t.Size(0) != expected)
        {
            throw new ArgumentException(
                $"FewShotTask: the {what} tensor has shape [{string.Join(", ", t.Shape.ToArray())}] but {because} need {expected} rows in dimension 0.");
        }
    }
}

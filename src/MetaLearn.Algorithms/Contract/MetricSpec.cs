namespace MetaLearn.Algorithms;

/// <summary>Which way a metric improves.</summary>
public enum MetricDirection
{
    /// <summary>Larger is better (accuracy, ELBO, return).</summary>
    HigherIsBetter,

    /// <summary>Smaller is better (loss, MSE, NLL).</summary>
    LowerIsBetter,
}

/// <summary>A named metric with its direction: what the trainer logs, the evaluator averages and <c>best</c> is chosen by.</summary>
/// <param name="Name">The name in metrics.jsonl and reports, e.g. <c>accuracy</c>.</param>
/// <param name="Direction">Which way it improves.</param>
/// <param name="Description">What it measures, for help texts and reports.</param>
public sealed record MetricSpec(string Name, MetricDirection Direction, string Description)
{
    /// <summary>Whether <paramref name="candidate"/> is strictly better than <paramref name="incumbent"/>.</summary>
    public bool IsBetter(double candidate, double incumbent)
        => Direction == MetricDirection.HigherIsBetter ? candidate > incumbent : candidate < incumbent;

    /// <summary>A metric where larger is better.</summary>
    public static MetricSpec Higher(string name, string description) => new(name, MetricDirection.HigherIsBetter, description);

    /// <summary>A metric where smaller is better.</summary>
    public static MetricSpec Lower(string name, string description) => new(name, MetricDirection.LowerIsBetter, description);
}

/// <summary>The metrics a learner reports on one kind of task, and the one that picks the best checkpoint by default.</summary>
public sealed record MetricSet
{
    /// <summary>Makes the set; <paramref name="primary"/> must be one of <paramref name="metrics"/>.</summary>
    public MetricSet(IReadOnlyList<MetricSpec> metrics, string primary)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (!metrics.Any(m => m.Name == primary))
        {
            throw new ArgumentException($"MetricSet: the primary metric '{primary}' is not one of [{string.Join(", ", metrics.Select(m => m.Name))}].");
        }
        All = metrics;
        Primary = primary;
    }

    /// <summary>Every metric, in reporting order.</summary>
    public IReadOnlyList<MetricSpec> All { get; }

    /// <summary>The default metric for choosing the best checkpoint (e.g. <c>accuracy</c>, <c>mse</c>).</summary>
    public string Primary { get; }

    /// <summary>The metric named <paramref name="name"/>, or an error listing the names there are.</summary>
    public MetricSpec this[string name] => All.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"no metric '{name}'; this learner reports {string.Join(", ", All.Select(m => m.Name))}.");

    /// <summary>Whether a metric named <paramref name="name"/> is reported.</summary>
    public bool Contains(string name) => All.Any(m => m.Name == name);
}

using System.Globalization;
using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>How batch-norm layers behave while an evaluated model adapts and predicts. Always chosen explicitly and recorded.</summary>
public enum BatchNormAtTest
{
    /// <summary>
    /// The model runs in training mode while it adapts (each support batch normalised by its own statistics), and every
    /// query is normalised with the support set's statistics under the adapted weights (<see cref="SupportStatistics"/>):
    /// a query's prediction depends on that query and the support set alone, never on the other queries. The default.
    /// </summary>
    SupportStatistics,

    /// <summary>
    /// As <see cref="SupportStatistics"/> while adapting, but the task's whole query set is normalised as one batch by its
    /// own statistics: the transductive protocol of MAML's code and its successors, kept to compare with published
    /// numbers. A query's prediction then depends on the other queries.
    /// </summary>
    Transductive,

    /// <summary>
    /// The model runs in evaluation mode: layers that track running statistics use them. Layers built with
    /// <see cref="BatchNormMode.BatchStatistics"/> have none and still use batch statistics.
    /// </summary>
    RunningStatistics,
}

/// <summary>Names of <see cref="BatchNormAtTest"/> for what a person reads.</summary>
public static class BatchNormAtTestNames
{
    /// <summary><c>support statistics</c>, <c>transductive</c> or <c>running statistics</c>.</summary>
    public static string Describe(this BatchNormAtTest protocol) => protocol switch
    {
        BatchNormAtTest.SupportStatistics => "support statistics",
        BatchNormAtTest.Transductive => "transductive",
        BatchNormAtTest.RunningStatistics => "running statistics",
        _ => protocol.ToString(),
    };
}

/// <summary>Settings of <see cref="Evaluator.Evaluate"/>.</summary>
public sealed record EvaluatorOptions
{
    /// <summary>Number of test episodes (1,000 is the Omniglot convention; 600 for miniImageNet).</summary>
    public int Episodes { get; init; } = 1000;

    /// <summary>Seed of the episode stream; the same seed gives the same episodes.</summary>
    public ulong Seed { get; init; }

    /// <summary>The batch-norm behaviour at test time; no default, so every reported number states it.</summary>
    public required BatchNormAtTest BatchNorm { get; init; }

    /// <summary>The headline metric of the result (<see cref="EvaluationResult.Metric"/>); null: the learner's primary metric.</summary>
    public string? Metric { get; init; }

    /// <summary>Episodes adapted at once (results do not depend on it).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Told the number of episodes done after every group of episodes (for a progress display); optional.</summary>
    public IProgress<int>? Progress { get; init; }
}

/// <summary>One metric over the episodes of an evaluation: mean, 95% confidence interval, and each episode's value.</summary>
/// <param name="Spec">The metric and its direction.</param>
/// <param name="Mean">Mean over episodes.</param>
/// <param name="Ci95">Half-width of the normal 95% confidence interval: <c>1.96 * sd / sqrt(episodes)</c>.</param>
/// <param name="StandardDeviation">Sample standard deviation over episodes.</param>
/// <param name="PerEpisode">Each episode's value, in episode order.</param>
public sealed record MetricSummary(MetricSpec Spec, double Mean, double Ci95, double StandardDeviation, IReadOnlyList<double> PerEpisode)
{
    /// <summary>The summary of <paramref name="values"/>.</summary>
    public static MetricSummary Of(MetricSpec spec, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(values);
        double[] v = [.. values];
        double mean = v.Average();
        double sd = v.Length > 1 ? Math.Sqrt(v.Sum(s => (s - mean) * (s - mean)) / (v.Length - 1)) : 0;
        return new MetricSummary(spec, mean, 1.96 * sd / Math.Sqrt(v.Length), sd, v);
    }
}

/// <summary>The outcome of an evaluation: every metric's mean with a 95% confidence interval, and a headline metric.</summary>
public sealed record EvaluationResult
{
    /// <summary>Every metric the learner reported, in its order.</summary>
    public required IReadOnlyList<MetricSummary> Metrics { get; init; }

    /// <summary>The headline metric's name (e.g. <c>accuracy</c>, <c>mse</c>).</summary>
    public required string Metric { get; init; }

    /// <summary>The episode seed.</summary>
    public required ulong Seed { get; init; }

    /// <summary>The batch-norm setting used.</summary>
    public required BatchNormAtTest BatchNorm { get; init; }

    /// <summary>The learner evaluated.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The model's architecture (for backbones it names each layer's batch-norm mode).</summary>
    public required string Architecture { get; init; }

    /// <summary>The headline metric's summary.</summary>
    public MetricSummary Headline => this[Metric];

    /// <summary>The summary of the metric <paramref name="name"/>.</summary>
    public MetricSummary this[string name] => Metrics.FirstOrDefault(m => m.Spec.Name == name)
        ?? throw new KeyNotFoundException($"the evaluation has no metric '{name}'; it has {string.Join(", ", Metrics.Select(m => m.Spec.Name))}.");

    /// <summary>Mean of the headline metric over episodes.</summary>
    public double Mean => Headline.Mean;

    /// <summary>Half-width of the headline metric's 95% confidence interval.</summary>
    public double Ci95 => Headline.Ci95;

    /// <summary>Sample standard deviation of the headline metric.</summary>
    public double StandardDeviation => Headline.StandardDeviation;

    /// <summary>Number of episodes.</summary>
    public int Episodes => Headline.PerEpisode.Count;

    /// <summary>The headline metric of each episode, in episode order.</summary>
    public IReadOnlyList<double> PerEpisode => Headline.PerEpisode;

    /// <summary>Whether a larger value of the headline metric is better.</summary>
    public bool HigherIsBetter => Headline.Spec.Direction == MetricDirection.HigherIsBetter;

    /// <summary>E.g. <c>accuracy 0.9712 ± 0.0041 (1000 episodes, seed 1, batch norm: support statistics)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Metric} {Mean:F4} ± {Ci95:F4} ({Episodes} episodes, seed {Seed}, batch norm: {BatchNorm.Describe()})");
}

/// <summary>Measures how well a meta-learner adapts to new tasks: each episode adapts on the support and is scored on the query part.</summary>
public static class Evaluator
{
    private const int Chunk = 64;

    /// <summary>
    /// Evaluates <paramref name="learner"/> at <paramref name="state"/> on <see cref="EvaluatorOptions.Episodes"/> tasks
    /// from <paramref name="tasks"/>. Episodes are drawn in order from one seeded stream, adapted in parallel (episode
    /// <c>e</c>'s random draws come from a stream fixed by the seed and <c>e</c>), and scored in order, so the result is
    /// the same on any number of threads. The model's mode and buffers are restored afterwards.
    /// </summary>
    public static EvaluationResult Evaluate(IMetaLearner learner, LearnerState state, ITaskSource<ITask> tasks, EvaluatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Episodes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Evaluator: Episodes must be >= 1; got {options.Episodes}.");
        }
        if (options.MaxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Evaluator: MaxDegreeOfParallelism must be >= 1; got {options.MaxDegreeOfParallelism}.");
        }
        MetricSet metrics = learner.Metrics(tasks.Kind);
        string headline = options.Metric ?? metrics.Primary;
        _ = metrics[headline]; // an unknown metric fails before any work
        Module model = learner.Model;
        bool wasTraining = model.Training;
        ParameterSet buffers = model.Buffers;
        var rng = new Rng(options.Seed);
        var scores = new MetricValues[options.Episodes];
        try
        {
            model.Train(options.BatchNorm != BatchNormAtTest.RunningStatistics);
            for (int start = 0; start < scores.Length; start += Chunk)
            {
                int count = Math.Min(Chunk, scores.Length - start);
                IReadOnlyList<ITask> batch = tasks.SampleBatch(rng, count);
                foreach (ITask t in batch)
                {
                    learner.Validate(t);
                }
                int first = start;
                MetricValues[] chunk = TaskParallel.Map(count, options.MaxDegreeOfParallelism, i =>
                {
                    using TensorScope scope = TensorScope.Begin(); // the episode's memory is reused by the next one
                    return learner.Evaluate(state, batch[i], new EpisodeContext(EpisodeRng(options.Seed, first + i), options.BatchNorm));
                });
                chunk.CopyTo(scores, start);
                options.Progress?.Report(start + count);
            }
        }
        finally
        {
            model.Train(wasTraining);
            model.Buffers = buffers;
        }

        var summaries = new List<MetricSummary>();
        foreach (string name in scores[0].Names)
        {
            summaries.Add(MetricSummary.Of(metrics[name], scores.Select(s => s[name]).ToArray()));
        }
        return new EvaluationResult
        {
            Metrics = summaries,
            Metric = headline,
            Seed = options.Seed,
            BatchNorm = options.BatchNorm,
            Algorithm = learner.Name,
            Architecture = model is Backbone b ? b.Architecture : model.Label,
        };
    }

    /// <summary>The random stream of episode <paramref name="episode"/>: a function of the seed and the episode only.</summary>
    private static Rng EpisodeRng(ulong seed, int episode) => new StepContext(seed ^ 0xE7A1_5EED_0000_0000UL, 0).TaskRng(episode);
}

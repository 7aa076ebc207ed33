using System.Globalization;
using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>How batch-norm layers behave while an evaluated model adapts and predicts. Always chosen explicitly and recorded.</summary>
public enum BatchNormAtTest
{
    /// <summary>
    /// The model runs in training mode: every forward pass normalises with its own batch (the support set while adapting,
    /// the task's whole query set when predicting). The transductive protocol of MAML and its successors. Running
    /// statistics, if any, are restored after the evaluation.
    /// </summary>
    BatchStatistics,

    /// <summary>
    /// The model runs in evaluation mode: layers that track running statistics use them. Layers built with
    /// <see cref="BatchNormMode.BatchStatistics"/> have none and still use batch statistics.
    /// </summary>
    RunningStatistics,
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

    /// <summary>Episodes adapted at once (results do not depend on it).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>The outcome of an evaluation: the mean metric over episodes with a 95% confidence interval.</summary>
public sealed record EvaluationResult
{
    /// <summary><c>accuracy</c> (classification, higher is better) or <c>mse</c> (regression, lower is better).</summary>
    public required string Metric { get; init; }

    /// <summary>Mean over episodes.</summary>
    public required double Mean { get; init; }

    /// <summary>Half-width of the normal 95% confidence interval: <c>1.96 * sd / sqrt(episodes)</c>.</summary>
    public required double Ci95 { get; init; }

    /// <summary>Sample standard deviation over episodes.</summary>
    public required double StandardDeviation { get; init; }

    /// <summary>Number of episodes.</summary>
    public required int Episodes { get; init; }

    /// <summary>The episode seed.</summary>
    public required ulong Seed { get; init; }

    /// <summary>The batch-norm setting used.</summary>
    public required BatchNormAtTest BatchNorm { get; init; }

    /// <summary>The algorithm evaluated.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The model's architecture (for backbones it names each layer's batch-norm mode).</summary>
    public required string Architecture { get; init; }

    /// <summary>Each episode's metric, in episode order.</summary>
    public required IReadOnlyList<double> PerEpisode { get; init; }

    /// <summary>Whether a larger value is better.</summary>
    public bool HigherIsBetter => Metric == "accuracy";

    /// <summary>E.g. <c>accuracy 0.9712 ± 0.0041 (1000 episodes, bn=BatchStatistics)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Metric} {Mean:F4} ± {Ci95:F4} ({Episodes} episodes, seed {Seed}, bn={BatchNorm})");
}

/// <summary>Measures how well a meta-learner adapts to new tasks: adapt on each episode's support set, score its query set.</summary>
public static class Evaluator
{
    private const int Chunk = 64;

    /// <summary>
    /// Evaluates <paramref name="learner"/> on <see cref="EvaluatorOptions.Episodes"/> tasks from <paramref name="tasks"/>.
    /// Episodes are drawn in order from one seeded stream, adapted in parallel, and scored in order, so the result is
    /// the same on any number of threads. The model's mode and buffers are restored afterwards.
    /// </summary>
    public static EvaluationResult Evaluate(IMetaLearner learner, ITaskSource tasks, EvaluatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(learner);
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
        Module model = learner.Model;
        bool wasTraining = model.Training;
        ParameterSet buffers = model.Buffers;
        var rng = new Rng(options.Seed);
        var scores = new double[options.Episodes];
        bool? classification = null;
        try
        {
            model.Train(options.BatchNorm == BatchNormAtTest.BatchStatistics);
            for (int start = 0; start < scores.Length; start += Chunk)
            {
                int count = Math.Min(Chunk, scores.Length - start);
                IReadOnlyList<FewShotTask> batch = tasks.SampleBatch(rng, count);
                foreach (FewShotTask t in batch)
                {
                    learner.Validate(t);
                    classification ??= t.IsClassification;
                }
                double[] chunk = TaskParallel.Map(count, options.MaxDegreeOfParallelism, i =>
                {
                    FewShotTask task = batch[i];
                    using TensorScope scope = TensorScope.Begin(); // the episode's memory is reused by the next one
                    Tensor output = learner.Adapt(SupportSet.Of(task)).Predict(task.QueryInputs);
                    return TaskObjective.Metric(output, task);
                });
                chunk.CopyTo(scores, start);
            }
        }
        finally
        {
            model.Train(wasTraining);
            model.Buffers = buffers;
        }

        double mean = scores.Average();
        double sd = scores.Length > 1 ? Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / (scores.Length - 1)) : 0;
        return new EvaluationResult
        {
            Metric = classification == true ? "accuracy" : "mse",
            Mean = mean,
            StandardDeviation = sd,
            Ci95 = 1.96 * sd / Math.Sqrt(scores.Length),
            Episodes = scores.Length,
            Seed = options.Seed,
            BatchNorm = options.BatchNorm,
            Algorithm = learner.Algorithm,
            Architecture = model is Backbone b ? b.Architecture : model.Label,
            PerEpisode = scores,
        };
    }
}

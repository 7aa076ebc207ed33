using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Optim;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// The outer loop, written once for every <see cref="IMetaLearner"/>: draw a meta-batch from a seeded stream, take
/// <see cref="IMetaLearner.MetaStep"/>, apply the outer optimizer, log metrics as JSON lines, validate periodically on
/// held-out tasks, and keep <c>last</c> and <c>best</c> checkpoints (atomic safetensors files plus JSON summaries).
/// </summary>
/// <remarks>
/// A run is a pure function of its seeds: step <c>t</c>'s tasks come from a generator seeded by (seed, t), and the
/// checkpoint holds the parameters, buffers, optimizer state and best-so-far, so stopping and resuming gives the same
/// parameters as an uninterrupted run. (Batch-norm running statistics updated by concurrent tasks are the exception;
/// see <see cref="BatchNorm2d"/>.)
/// </remarks>
public sealed class MetaTrainer
{
    /// <summary>File name of the most recent checkpoint.</summary>
    public const string LastCheckpoint = "last.safetensors";

    /// <summary>File name of the checkpoint with the best validation metric.</summary>
    public const string BestCheckpoint = "best.safetensors";

    /// <summary>File name of the metrics log (one JSON object per line).</summary>
    public const string MetricsFile = "metrics.jsonl";

    private readonly IMetaLearner _learner;
    private readonly ITaskSource _train;
    private readonly ITaskSource? _validation;
    private readonly IGradientTransformation _optimizer;
    private readonly MetaTrainerOptions _options;
    private readonly IProgress<TrainingProgress>? _progress;

    /// <summary>Creates the trainer, validating the options and one task of each source against the learner (so bad settings fail before training).</summary>
    public MetaTrainer(IMetaLearner learner, ITaskSource train, ITaskSource? validation, IGradientTransformation outerOptimizer,
        MetaTrainerOptions options, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(outerOptimizer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.ValidationInterval > 0 && validation is null)
        {
            throw new ArgumentException("MetaTrainer: ValidationInterval > 0 but no validation task source was given.", nameof(validation));
        }
        _learner = learner;
        _train = train;
        _validation = validation;
        _optimizer = outerOptimizer;
        _options = options;
        _progress = progress;
        learner.Validate(train.Sample(new Rng(options.Seed ^ 0xC0FFEE)));
        if (validation is not null)
        {
            learner.Validate(validation.Sample(new Rng(options.ValidationSeed)));
        }
    }

    /// <summary>The options.</summary>
    public MetaTrainerOptions Options => _options;

    /// <summary>
    /// Trains until <see cref="MetaTrainerOptions.Steps"/> (or <paramref name="stopAfterStep"/>, the
    /// <see cref="MetaTrainerOptions.TimeLimit"/>, or cancellation), then saves <c>last</c>. With <see cref="MetaTrainerOptions.Resume"/> it continues from <c>last</c>.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A loss or gradient became NaN or infinite.</exception>
    public TrainingSummary Run(long? stopAfterStep = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        string? dir = _options.OutputDirectory;
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }
        ParameterSet parameters = _learner.Parameters;
        ParameterSet state = _optimizer.Init(parameters);
        long step = 0;
        double? best = null;
        long bestStep = 0;
        if (_options.Resume && File.Exists(Path.Combine(dir!, LastCheckpoint)))
        {
            (parameters, state, step, best, bestStep) = Restore(Path.Combine(dir!, LastCheckpoint), parameters, state);
            _learner.Parameters = parameters;
            TruncateMetrics(step);
        }
        else if (dir is not null)
        {
            AtomicFile.Write(Path.Combine(dir, MetricsFile), _ => { });
        }
        long resumedFrom = step;
        long stopAt = Math.Min(_options.Steps, stopAfterStep ?? long.MaxValue);
        EvaluationResult? lastValidation = null;
        _learner.Model.Train();

        while (step < stopAt && !cancellationToken.IsCancellationRequested && !(_options.TimeLimit is { } limit && clock.Elapsed >= limit))
        {
            long current = step + 1;
            IReadOnlyList<FewShotTask> batch = _train.SampleBatch(StepRng(current), _options.MetaBatchSize);
            MetaStepResult result = _learner.MetaStep(batch);
            CheckFinite(current, result);
            (parameters, state) = _optimizer.StepDetached(parameters, result.Gradient, state);
            _learner.Parameters = parameters;
            step = current;

            var line = new JsonObject
            {
                ["step"] = step,
                ["loss"] = result.Loss,
                ["accuracy"] = result.Accuracy,
                ["elapsed_s"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
            };
            EvaluationResult? validation = null;
            bool validateNow = _options.ValidationInterval > 0 && (step % _options.ValidationInterval == 0 || step == _options.Steps);
            if (validateNow)
            {
                validation = Evaluator.Evaluate(_learner, _validation!, new EvaluatorOptions
                {
                    Episodes = _options.ValidationEpisodes,
                    Seed = _options.ValidationSeed,
                    BatchNorm = _options.ValidationBatchNorm,
                });
                lastValidation = validation;
                line["validation"] = new JsonObject
                {
                    ["metric"] = validation.Metric,
                    ["mean"] = validation.Mean,
                    ["ci95"] = validation.Ci95,
                    ["episodes"] = validation.Episodes,
                    ["batch_norm"] = validation.BatchNorm.ToString(),
                };
                if (best is null || (validation.HigherIsBetter ? validation.Mean > best : validation.Mean < best))
                {
                    best = validation.Mean;
                    bestStep = step;
                    Save(BestCheckpoint, parameters, state, step, best, bestStep);
                }
            }
            bool checkpointNow = _options.CheckpointInterval > 0 && step % _options.CheckpointInterval == 0;
            if (checkpointNow)
            {
                Save(LastCheckpoint, parameters, state, step, best, bestStep);
            }
            AppendMetrics(line);
            _progress?.Report(new TrainingProgress(step, _options.Steps, result.Loss, result.Accuracy, validation, clock.Elapsed));
        }
        if (step > resumedFrom)
        {
            Save(LastCheckpoint, parameters, state, step, best, bestStep);
        }
        return new TrainingSummary(step, step >= _options.Steps, resumedFrom, best, bestStep, lastValidation, clock.Elapsed);
    }

    /// <summary>The generator of meta-step <paramref name="step"/>'s tasks: a function of (seed, step) only.</summary>
    private Rng StepRng(long step) => new(_options.Seed * 0x9E3779B97F4A7C15UL + (ulong)step);

    private static void CheckFinite(long step, MetaStepResult result)
    {
        const string Hint = "Rerun the step inside Autograd.DetectAnomaly() to find the op that produced it, or lower the learning rates. The last good checkpoint was kept.";
        for (int i = 0; i < result.TaskLosses.Count; i++)
        {
            if (!double.IsFinite(result.TaskLosses[i]))
            {
                throw new TrainingDivergedException(
                    $"MetaTrainer: at meta-step {step}, task {i} of the meta-batch has query loss {result.TaskLosses[i]}. {Hint}");
            }
        }
        foreach ((string name, Tensor g) in result.Gradient)
        {
            for (int k = 0; k < g.Count; k++)
            {
                if (!double.IsFinite(g[k]))
                {
                    throw new TrainingDivergedException(
                        $"MetaTrainer: at meta-step {step} the meta-gradient of '{name}' has a non-finite element ({g[k]}) at index {k}. {Hint}");
                }
            }
        }
    }

    private void Save(string file, ParameterSet parameters, ParameterSet state, long step, double? best, long bestStep)
    {
        if (_options.OutputDirectory is not { } dir)
        {
            return;
        }
        var config = new JsonObject
        {
            ["learner"] = JsonNode.Parse(_learner.ConfigJson),
            ["trainer"] = new JsonObject
            {
                ["steps"] = _options.Steps,
                ["meta_batch_size"] = _options.MetaBatchSize,
                ["seed"] = _options.Seed,
                ["validation_interval"] = _options.ValidationInterval,
                ["validation_episodes"] = _options.ValidationEpisodes,
                ["validation_seed"] = _options.ValidationSeed,
                ["validation_batch_norm"] = _options.ValidationBatchNorm.ToString(),
            },
            ["best"] = best is null ? null : new JsonObject { ["mean"] = best, ["step"] = bestStep },
        };
        string configJson = config.ToJsonString();
        var metadata = new CheckpointMetadata
        {
            Architecture = Architecture(_learner.Model),
            Algorithm = _learner.Algorithm,
            Config = configJson,
            Step = step,
        };
        string path = Path.Combine(dir, file);
        Checkpoint.Save(path, parameters.Concat(_learner.Model.Buffers), metadata, state);
        var summary = new JsonObject
        {
            ["checkpoint"] = file,
            ["architecture"] = metadata.Architecture,
            ["algorithm"] = metadata.Algorithm,
            ["step"] = step,
            ["config"] = JsonNode.Parse(configJson),
        };
        AtomicFile.Write(Path.ChangeExtension(path, ".json"),
            s => s.Write(Encoding.UTF8.GetBytes(summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n")));
    }

    private (ParameterSet Parameters, ParameterSet State, long Step, double? Best, long BestStep) Restore(string path, ParameterSet expected, ParameterSet expectedState)
    {
        Checkpoint checkpoint = Checkpoint.Load(path);
        string architecture = Architecture(_learner.Model);
        if (checkpoint.Metadata.Architecture != architecture || checkpoint.Metadata.Algorithm != _learner.Algorithm)
        {
            throw new InvalidDataException(
                $"MetaTrainer: cannot resume from '{path}': it holds {checkpoint.Metadata.Algorithm} on '{checkpoint.Metadata.Architecture}', " +
                $"but this run is {_learner.Algorithm} on '{architecture}'. Use a fresh output directory or the same settings.");
        }
        using (JsonDocument saved = JsonDocument.Parse(checkpoint.Metadata.Config))
        {
            // Resuming with other learner settings (say, another inner learning rate) would silently continue a
            // different run; the trainer settings may differ (e.g. more Steps to extend a finished run).
            if (saved.RootElement.TryGetProperty("learner", out JsonElement learner)
                && !JsonNode.DeepEquals(JsonNode.Parse(learner.GetRawText()), JsonNode.Parse(_learner.ConfigJson)))
            {
                throw new InvalidDataException(
                    $"MetaTrainer: cannot resume from '{path}': it was trained with learner settings {learner.GetRawText()}, but this run uses {_learner.ConfigJson}. " +
                    "Use the same settings or a fresh output directory.");
            }
        }
        ParameterSet parameters = Pick(path, checkpoint.Model, expected).AsLeaves();
        _learner.Model.Buffers = Pick(path, checkpoint.Model, _learner.Model.Buffers).Detach();
        ParameterSet state = checkpoint.RestoreOptimizerState(expectedState);
        double? best = null;
        long bestStep = 0;
        using (JsonDocument doc = JsonDocument.Parse(checkpoint.Metadata.Config))
        {
            if (doc.RootElement.TryGetProperty("best", out JsonElement b) && b.ValueKind == JsonValueKind.Object)
            {
                best = b.GetProperty("mean").GetDouble();
                bestStep = b.GetProperty("step").GetInt64();
            }
        }
        return (parameters, state, checkpoint.Metadata.Step, best, bestStep);
    }

    private static ParameterSet Pick(string path, ParameterSet saved, ParameterSet expected) => expected.Map((name, e) =>
    {
        if (!saved.TryGet(name, out Tensor? t) || !t.Shape.SequenceEqual(e.Shape) || t.DType != e.DType)
        {
            throw new InvalidDataException($"MetaTrainer: checkpoint '{path}' has no tensor '{name}' of shape [{string.Join(", ", e.Shape.ToArray())}] {e.DType}.");
        }
        return t;
    });

    private void AppendMetrics(JsonObject line)
    {
        if (_options.OutputDirectory is { } dir)
        {
            File.AppendAllText(Path.Combine(dir, MetricsFile), line.ToJsonString() + "\n");
        }
    }

    /// <summary>Drops metric lines written after the checkpoint being resumed from, so the log matches an uninterrupted run.</summary>
    private void TruncateMetrics(long step)
    {
        string path = Path.Combine(_options.OutputDirectory!, MetricsFile);
        if (!File.Exists(path))
        {
            return;
        }
        var kept = new StringBuilder();
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }
            using JsonDocument doc = JsonDocument.Parse(line);
            if (doc.RootElement.GetProperty("step").GetInt64() <= step)
            {
                kept.Append(line).Append('\n');
            }
        }
        AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(kept.ToString())));
    }

    private static string Architecture(Module model) => model is Backbone b ? b.Architecture : model.Label;
}

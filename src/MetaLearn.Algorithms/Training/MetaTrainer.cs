using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// The outer loop, written once for every <see cref="IMetaLearner"/>: draw a meta-batch from a seeded stream, let the
/// learner take its <see cref="IMetaLearner.Step"/>, log its metrics as JSON lines, validate periodically on held-out
/// tasks, and keep <c>last</c> and <c>best</c> checkpoints (atomic safetensors files plus JSON summaries). The update
/// rule is the learner's; the trainer only loops, logs, validates and checkpoints.
/// </summary>
/// <remarks>
/// <para>A run is a pure function of its seeds: step <c>t</c>'s tasks come from a generator seeded by (seed, t), task
/// <c>i</c>'s random draws from <see cref="StepContext.TaskRng"/>, and the checkpoint holds the learner's whole state and
/// the best-so-far, so stopping and resuming gives the same parameters as an uninterrupted run. (Batch-norm running
/// statistics updated by concurrent tasks are the exception; see <see cref="BatchNorm2d"/>.)</para>
/// <para>Files survive crashes and full disks: checkpoints are written atomically; a metrics line is appended whole or
/// not at all as far as resuming and reporting are concerned (a torn last line is dropped when the run resumes).</para>
/// </remarks>
public sealed class MetaTrainer
{
    /// <summary>File name of the most recent checkpoint.</summary>
    public const string LastCheckpoint = "last.safetensors";

    /// <summary>File name of the checkpoint with the best validation metric.</summary>
    public const string BestCheckpoint = "best.safetensors";

    /// <summary>File name of the metrics log (one JSON object per line).</summary>
    public const string MetricsFile = "metrics.jsonl";

    /// <summary>Keys of a metrics line that a learner's metric may not be named.</summary>
    public static readonly IReadOnlyList<string> ReservedKeys = ["step", "elapsed_s", "validation"];

    private readonly IMetaLearner _learner;
    private readonly ITaskSource<ITask> _train;
    private readonly ITaskSource<ITask>? _validation;
    private readonly MetaTrainerOptions _options;
    private readonly IProgress<TrainingProgress>? _progress;
    private readonly MetricSet _metrics;
    private readonly string _bestMetric;

    /// <summary>Creates the trainer, validating the options and one task of each source against the learner (so bad settings fail before training).</summary>
    public MetaTrainer(IMetaLearner learner, ITaskSource<ITask> train, ITaskSource<ITask>? validation, MetaTrainerOptions options,
        IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.ValidationInterval > 0 && validation is null)
        {
            throw new ArgumentException("MetaTrainer: ValidationInterval > 0 but no validation task source was given.", nameof(validation));
        }
        _learner = learner;
        _train = train;
        _validation = validation;
        _options = options;
        _progress = progress;
        _metrics = learner.Metrics(train.Kind);
        string? clash = _metrics.All.Select(m => m.Name).FirstOrDefault(ReservedKeys.Contains);
        if (clash is not null)
        {
            throw new ArgumentException($"MetaTrainer: {learner.Name} reports a metric named '{clash}', which metrics.jsonl reserves ({string.Join(", ", ReservedKeys)}); rename the metric.");
        }
        _bestMetric = options.BestMetric ?? (validation is null ? _metrics.Primary : learner.Metrics(validation.Kind).Primary);
        if (validation is not null && !learner.Metrics(validation.Kind).Contains(_bestMetric))
        {
            throw new ArgumentException(
                $"MetaTrainer: BestMetric '{_bestMetric}' is not a validation metric of {learner.Name}; it reports {string.Join(", ", learner.Metrics(validation.Kind).All.Select(m => m.Name))}.");
        }
        learner.Validate(train.Sample(new Rng(options.Seed ^ 0xC0FFEE)));
        if (validation is not null)
        {
            learner.Validate(validation.Sample(new Rng(options.ValidationSeed)));
        }
    }

    /// <summary>The options.</summary>
    public MetaTrainerOptions Options => _options;

    /// <summary>The validation metric that picks <c>best</c>.</summary>
    public string BestMetric => _bestMetric;

    /// <summary>
    /// Trains until <see cref="MetaTrainerOptions.Steps"/> (or <paramref name="stopAfterStep"/>, the
    /// <see cref="MetaTrainerOptions.TimeLimit"/>, or cancellation), then saves <c>last</c>. With <see cref="MetaTrainerOptions.Resume"/> it continues from <c>last</c>.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A metric or parameter became NaN or infinite; the state before that step was saved as <c>last</c>.</exception>
    public TrainingSummary Run(long? stopAfterStep = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        string? dir = _options.OutputDirectory;
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
            RemoveOrphanedTemporaryFiles(dir);
        }
        LearnerState state;
        long step = 0;
        double? best = null;
        long bestStep = 0;
        if (_options.Resume && File.Exists(Path.Combine(dir!, LastCheckpoint)))
        {
            (state, Checkpoint checkpoint) = LearnerCheckpoint.Restore(Path.Combine(dir!, LastCheckpoint), _learner, requireSameSettings: true);
            step = checkpoint.Metadata.Step;
            (best, bestStep) = ReadBest(checkpoint);
            TruncateMetrics(step);
        }
        else
        {
            state = _learner.Init();
            if (dir is not null)
            {
                AtomicFile.Write(Path.Combine(dir, MetricsFile), _ => { });
            }
        }
        long resumedFrom = step;
        long stopAt = Math.Min(_options.Steps, stopAfterStep ?? long.MaxValue);
        EvaluationResult? lastValidation = null;
        bool savedLast = step > 0;
        TimeSpan elapsed = TimeSpan.Zero;
        _learner.Model.Train();

        while (step < stopAt && !cancellationToken.IsCancellationRequested && !(_options.TimeLimit is { } limit && clock.Elapsed >= limit))
        {
            long current = step + 1;
            IReadOnlyList<ITask> batch = _train.SampleBatch(StepRng(current), _options.MetaBatchSize);
            StepResult result = _learner.Step(state, batch, new StepContext(_options.Seed, current, new LocalTaskExecutor(_options.MaxDegreeOfParallelism)));
            if (Divergence(result) is { } problem)
            {
                string? kept = null;
                if (dir is not null)
                {
                    Save(LastCheckpoint, state, step, best, bestStep);
                    kept = Path.Combine(dir, LastCheckpoint);
                    savedLast = true;
                }
                throw Diverged(current, problem, batch, state, kept, resumedFrom);
            }
            state = result.State;
                step = current;

            var line = new JsonObject { ["step"] = step };
            foreach ((string name, double value) in result.Metrics)
            {
                line[name] = value;
            }
            line["elapsed_s"] = 0.0; // set below, once validation and checkpoints of this step are done
            EvaluationResult? validation = null;
            bool validateNow = _options.ValidationInterval > 0 && (step % _options.ValidationInterval == 0 || step == _options.Steps);
            if (validateNow)
            {
                _progress?.Report(new TrainingProgress(step, _options.Steps, result.Metrics, null, clock.Elapsed, Validating: true));
                validation = Evaluator.Evaluate(_learner, state, _validation!, new EvaluatorOptions
                {
                    Episodes = _options.ValidationEpisodes,
                    Seed = _options.ValidationSeed,
                    BatchNorm = _options.ValidationBatchNorm,
                    Metric = _bestMetric,
                    MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism,
                });
                lastValidation = validation;
                line["validation"] = ValidationJson(validation);
                if (double.IsFinite(validation.Mean) && (best is null || validation.Headline.Spec.IsBetter(validation.Mean, best.Value)))
                {
                    best = validation.Mean;
                    bestStep = step;
                    Save(BestCheckpoint, state, step, best, bestStep);
                }
            }
            bool checkpointNow = _options.CheckpointInterval > 0 && step % _options.CheckpointInterval == 0;
            if (checkpointNow)
            {
                Save(LastCheckpoint, state, step, best, bestStep);
                savedLast = true;
            }
            // The run's time so far includes validation and checkpoints, so the report's and the console's figures agree.
            elapsed = clock.Elapsed;
            line["elapsed_s"] = Math.Round(elapsed.TotalSeconds, 3);
            AppendMetrics(line);
            _progress?.Report(new TrainingProgress(step, _options.Steps, result.Metrics, validation, elapsed));
        }
        if (step > resumedFrom || (!savedLast && dir is not null))
        {
            Save(LastCheckpoint, state, step, best, bestStep);
        }
        return new TrainingSummary(step, step >= _options.Steps, resumedFrom, best, bestStep, lastValidation, elapsed, state);
    }

    /// <summary>The JSON object a validation writes into its metrics line: the headline metric first, then every metric.</summary>
    public static JsonObject ValidationJson(EvaluationResult validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        var all = new JsonObject();
        foreach (MetricSummary m in validation.Metrics)
        {
            all[m.Spec.Name] = new JsonObject { ["mean"] = JsonNumber(m.Mean), ["ci95"] = JsonNumber(m.Ci95) };
        }
        return new JsonObject
        {
            ["metric"] = validation.Metric,
            ["mean"] = JsonNumber(validation.Mean),
            ["ci95"] = JsonNumber(validation.Ci95),
            ["episodes"] = validation.Episodes,
            ["batch_norm"] = validation.BatchNorm.ToString(),
            ["metrics"] = all,
        };
    }

    /// <summary>A number for JSON: finite values as numbers, NaN and infinities as null (JSON has no such numbers).</summary>
    public static JsonNode? JsonNumber(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    /// <summary>The generator of meta-step <paramref name="step"/>'s tasks: a function of (seed, step) only.</summary>
    private Rng StepRng(long step) => new(_options.Seed * 0x9E3779B97F4A7C15UL + (ulong)step);

    /// <summary>What is not finite after a step, or null when all is well.</summary>
    private static string? Divergence(StepResult result)
    {
        for (int i = 0; i < result.TaskMetrics.Count; i++)
        {
            foreach ((string name, double value) in result.TaskMetrics[i])
            {
                if (!double.IsFinite(value))
                {
                    return $"task {i} of the meta-batch has {name} {value.ToString(CultureInfo.InvariantCulture)}";
                }
            }
        }
        foreach ((string name, double value) in result.Metrics)
        {
            if (!double.IsFinite(value))
            {
                return $"the step's {name} is {value.ToString(CultureInfo.InvariantCulture)}";
            }
        }
        if (LearnerCheckpoint.FirstNonFinite(result.State.Parameters) is { } bad)
        {
            return $"the updated parameter '{bad.Name}' has a non-finite element ({bad.Value.ToString(CultureInfo.InvariantCulture)}) at index {bad.Index}";
        }
        return null;
    }

    /// <summary>
    /// The exception for a diverged step. The step is run again with anomaly detection on every task, so the message can
    /// name the first op (forward or backward rule) that produced a NaN or infinity.
    /// </summary>
    private TrainingDivergedException Diverged(long step, string problem, IReadOnlyList<ITask> batch, LearnerState state, string? kept, long resumedFrom)
    {
        string culprit;
        try
        {
            _learner.Step(state, batch, new StepContext(_options.Seed, step, new LocalTaskExecutor(1, detectAnomaly: true)));
            culprit = "Rerunning the step with anomaly detection found no op producing NaN or infinity (the update itself overflowed)";
        }
        catch (AnomalyException e)
        {
            culprit = "Rerunning the step with anomaly detection: " + e.Message.ReplaceLineEndings(" ").TrimEnd('.', ' ');
        }
        string checkpoint = kept is null
            ? "Nothing was saved (the run has no output directory)."
            : step - 1 > 0 || resumedFrom > 0
                ? $"The state before this step (step {step - 1}) was saved to {kept}."
                : $"The initial state (step 0) was saved to {kept}; no step had completed.";
        return new TrainingDivergedException(
            $"training diverged at meta-step {step}: {problem}. {culprit}. {checkpoint} Lower the learning rates (outer or inner), or clip gradients.",
            step, kept);
    }

    private void Save(string file, LearnerState state, long step, double? best, long bestStep)
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
                ["best_metric"] = _bestMetric,
            },
            ["best"] = best is null ? null : new JsonObject { ["mean"] = best, ["step"] = bestStep, ["metric"] = _bestMetric },
        };
        string path = Path.Combine(dir, file);
        LearnerCheckpoint.Save(path, _learner, state, step, config);
        var summary = new JsonObject
        {
            ["checkpoint"] = file,
            ["architecture"] = LearnerCheckpoint.Architecture(_learner.Model),
            ["algorithm"] = _learner.Name,
            ["step"] = step,
            ["config"] = config.DeepClone(),
        };
        AtomicFile.Write(Path.ChangeExtension(path, ".json"),
            s => s.Write(Encoding.UTF8.GetBytes(summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n")));
    }

    private static (double? Best, long BestStep) ReadBest(Checkpoint checkpoint)
    {
        using JsonDocument doc = JsonDocument.Parse(checkpoint.Metadata.Config);
        return doc.RootElement.TryGetProperty("best", out JsonElement b) && b.ValueKind == JsonValueKind.Object
            ? (b.GetProperty("mean").GetDouble(), b.GetProperty("step").GetInt64())
            : (null, 0);
    }

    private void AppendMetrics(JsonObject line)
    {
        if (_options.OutputDirectory is { } dir)
        {
            // One write call per line; if it fails part-way (a full disk), resuming drops the torn line.
            File.AppendAllText(Path.Combine(dir, MetricsFile), line.ToJsonString() + "\n");
        }
    }

    /// <summary>
    /// Drops metric lines written after the checkpoint being resumed from, and any line that does not parse (torn by a
    /// crash or a full disk), so the log matches an uninterrupted run.
    /// </summary>
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
            if (MetricsLog.TryParseStep(line) is { } s && s <= step)
            {
                kept.Append(line).Append('\n');
            }
        }
        AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(kept.ToString())));
    }

    /// <summary>Deletes the temporary files of interrupted atomic writes (<c>.NAME.GUID.tmp</c>) left by a killed run.</summary>
    private static void RemoveOrphanedTemporaryFiles(string dir)
    {
        foreach (string file in Directory.EnumerateFiles(dir, ".*.tmp"))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Another process may hold it; it is only a leftover.
            }
        }
    }
}

namespace MetaLearn.Algorithms;

/// <summary>Settings of <see cref="MetaTrainer"/>. The update rule belongs to the learner.</summary>
public sealed record MetaTrainerOptions
{
    /// <summary>Total meta-steps (outer updates) of the run.</summary>
    public required int Steps { get; init; }

    /// <summary>Tasks per meta-batch.</summary>
    public int MetaBatchSize { get; init; } = 32;

    /// <summary>Seed of the task stream: meta-step <c>t</c> draws its tasks from a generator seeded by (Seed, t), so a resumed run sees the same tasks.</summary>
    public ulong Seed { get; init; }

    /// <summary>Validate every this many steps (and after the last step); 0 disables validation.</summary>
    public int ValidationInterval { get; init; }

    /// <summary>Episodes per validation (always the same episodes, so validations are comparable).</summary>
    public int ValidationEpisodes { get; init; } = 100;

    /// <summary>Seed of the validation episodes.</summary>
    public ulong ValidationSeed { get; init; } = 0x5EED;

    /// <summary>Batch-norm behaviour during validation (recorded with each result).</summary>
    public BatchNormAtTest ValidationBatchNorm { get; init; } = BatchNormAtTest.SupportStatistics;

    /// <summary>The validation metric that picks <c>best</c> (its direction comes from the learner); null: the learner's primary metric.</summary>
    public string? BestMetric { get; init; }

    /// <summary>Tasks of a meta-batch run at once (results do not depend on it). Defaults to the processor count.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Where <c>last.safetensors</c>, <c>best.safetensors</c> (each with a <c>.json</c> summary) and <c>metrics.jsonl</c> go; null writes nothing.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Save <c>last</c> every this many steps (it is also saved when the run stops); 0 saves only at the end.</summary>
    public int CheckpointInterval { get; init; }

    /// <summary>Continue from <c>last.safetensors</c> in <see cref="OutputDirectory"/> when it exists.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Stop after the meta-step during which this much wall-clock time (since <see cref="MetaTrainer.Run"/> started)
    /// has passed, saving <c>last</c> as on any stop; null runs all the steps. Checked between steps, no timer involved.
    /// </summary>
    public TimeSpan? TimeLimit { get; init; }

    internal void Validate()
    {
        if (Steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), $"MetaTrainer: Steps must be >= 1; got {Steps}.");
        }
        if (TimeLimit is { } limit && limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TimeLimit), $"MetaTrainer: TimeLimit must be positive; got {limit}.");
        }
        if (MetaBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MetaBatchSize), $"MetaTrainer: MetaBatchSize must be >= 1; got {MetaBatchSize}.");
        }
        if (ValidationInterval < 0 || CheckpointInterval < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationInterval), $"MetaTrainer: ValidationInterval ({ValidationInterval}) and CheckpointInterval ({CheckpointInterval}) must be >= 0.");
        }
        if (ValidationInterval > 0 && ValidationEpisodes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationEpisodes), $"MetaTrainer: ValidationEpisodes must be >= 1 when validating; got {ValidationEpisodes}.");
        }
        if (MaxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), $"MetaTrainer: MaxDegreeOfParallelism must be >= 1; got {MaxDegreeOfParallelism}.");
        }
        if (Resume && OutputDirectory is null)
        {
            throw new ArgumentException("MetaTrainer: Resume needs an OutputDirectory to find last.safetensors in.", nameof(Resume));
        }
    }
}

/// <summary>Reported through <see cref="IProgress{T}"/> after every meta-step, and once before validating.</summary>
/// <param name="Step">Meta-steps completed.</param>
/// <param name="TotalSteps">Meta-steps of the whole run.</param>
/// <param name="Metrics">This meta-batch's metrics (e.g. <c>loss</c>, <c>accuracy</c>).</param>
/// <param name="Validation">The validation result when one ran at this step.</param>
/// <param name="Elapsed">Wall-clock time of this process's run so far.</param>
/// <param name="Validating">True in the report made just before a validation starts (so a display can say so).</param>
public sealed record TrainingProgress(long Step, long TotalSteps, MetricValues Metrics, EvaluationResult? Validation, TimeSpan Elapsed, bool Validating = false);

/// <summary>The outcome of <see cref="MetaTrainer.Run"/>.</summary>
/// <param name="Step">The last completed meta-step.</param>
/// <param name="Completed">Whether all <see cref="MetaTrainerOptions.Steps"/> are done.</param>
/// <param name="ResumedFrom">The step the run resumed from (0 for a fresh run).</param>
/// <param name="BestMetric">The best validation mean so far (kept across resumes), if any.</param>
/// <param name="BestStep">The step of <paramref name="BestMetric"/>.</param>
/// <param name="LastValidation">The most recent validation result, if any.</param>
/// <param name="Elapsed">Wall-clock time of this call.</param>
/// <param name="State">The learner's state after the last completed step (what <c>last</c> holds).</param>
public sealed record TrainingSummary(long Step, bool Completed, long ResumedFrom, double? BestMetric, long BestStep,
    EvaluationResult? LastValidation, TimeSpan Elapsed, LearnerState State);

/// <summary>
/// Thrown when a meta-step produces a NaN or infinite metric or parameter. Before it is thrown, the state before that
/// step is saved as <c>last</c> (when the run has an output directory), so nothing already trained is lost.
/// </summary>
/// <param name="message">What diverged, where, and what to do.</param>
/// <param name="step">The meta-step that diverged.</param>
/// <param name="lastGoodCheckpoint">The checkpoint holding the state before that step, if one was written.</param>
public sealed class TrainingDivergedException(string message, long step, string? lastGoodCheckpoint) : Exception(message)
{
    /// <summary>The meta-step that diverged.</summary>
    public long Step { get; } = step;

    /// <summary>The checkpoint holding the state before <see cref="Step"/>, if one was written.</summary>
    public string? LastGoodCheckpoint { get; } = lastGoodCheckpoint;
}

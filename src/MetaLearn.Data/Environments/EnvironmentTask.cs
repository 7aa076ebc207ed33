using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// A task whose data the learner collects itself: an environment drawn from a family (a goal, a bandit's arm
/// probabilities, a pendulum's mass), rolled out with the learner's current policy. The task is its own support:
/// adaptation may act in the environment for <see cref="AdaptationEpisodes"/> episodes; evaluation then measures the
/// return of <see cref="EvaluationEpisodes"/> more.
/// </summary>
public sealed record EnvironmentTask : TaskSupport, ITask
{
    private readonly Func<IEnvironment> _create;

    /// <summary>Makes the task from a factory of identical environments (one per rollout).</summary>
    public EnvironmentTask(Func<IEnvironment> create, int adaptationEpisodes, int evaluationEpisodes, int maxEpisodeSteps, string description)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(description);
        if (adaptationEpisodes < 0 || evaluationEpisodes < 1 || maxEpisodeSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(adaptationEpisodes),
                $"EnvironmentTask: needs adaptationEpisodes >= 0, evaluationEpisodes >= 1 and maxEpisodeSteps >= 1; got {adaptationEpisodes}, {evaluationEpisodes}, {maxEpisodeSteps}.");
        }
        _create = create;
        AdaptationEpisodes = adaptationEpisodes;
        EvaluationEpisodes = evaluationEpisodes;
        MaxEpisodeSteps = maxEpisodeSteps;
        Description = description;
    }

    /// <summary>Episodes adaptation may collect.</summary>
    public int AdaptationEpisodes { get; }

    /// <summary>Episodes evaluation measures after adaptation.</summary>
    public int EvaluationEpisodes { get; }

    /// <summary>The step limit of one episode (truncation).</summary>
    public int MaxEpisodeSteps { get; }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public override TaskKind Kind => TaskKind.Environment;

    /// <inheritdoc/>
    TaskKind ITask.Kind => TaskKind.Environment;

    /// <inheritdoc/>
    public TaskSupport Support => this;

    /// <summary>A fresh environment of this task, for one rollout.</summary>
    public IEnvironment Create() => _create();

    /// <inheritdoc/>
    public override string ToString() => $"EnvironmentTask: {Description}";
}

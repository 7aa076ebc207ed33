using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// The contract every meta-learner meets, whatever its tasks, networks and optimizers. A learner is a set of pure
/// functions over an explicit <see cref="LearnerState"/>: <see cref="Init"/> makes the first state, <see cref="Step"/>
/// maps (state, meta-batch, context) to (new state, metrics), <see cref="Adapt"/> fits the state's meta-parameters
/// to one new task, and <see cref="Evaluate"/> scores one episode. The trainer only loops, logs, validates and
/// checkpoints; the update rule (one optimizer on a mean gradient, Reptile's interpolation, a GAN's alternating
/// updates, a TRPO step) belongs to the learner.
/// </summary>
/// <remarks>
/// <para>Per-task work goes through <see cref="StepContext.Map"/>, which runs tasks in parallel (or across processes)
/// and returns their results in task order, and every random draw of task <c>i</c> comes from
/// <see cref="StepContext.TaskRng"/>(i): a seed gives the same state on any number of threads.</para>
/// <para>What an adapted model can do is a set of capability interfaces (<see cref="IPredictor"/>,
/// <see cref="IClassifier"/>, <see cref="IDistributionPredictor"/>, <see cref="ISampler"/>,
/// <see cref="IReconstructor"/>, <see cref="ITaskEmbedder"/>, <see cref="IPolicy"/>); a command asks for the one it needs.</para>
/// </remarks>
public interface IMetaLearner
{
    /// <summary>A short name recorded in checkpoints, e.g. <c>maml</c>, <c>fomaml</c>, <c>protonet</c>.</summary>
    string Name { get; }

    /// <summary>All networks of the learner (one module; a composite names its children), with architecture, buffers and mode.</summary>
    Module Model { get; }

    /// <summary>The learner's settings as a JSON object, recorded in checkpoints; a run resumes only with the same settings.</summary>
    string ConfigJson { get; }

    /// <summary>The metrics <see cref="Step"/> and <see cref="Evaluate"/> report on tasks of <paramref name="kind"/>, each with its direction.</summary>
    MetricSet Metrics(TaskKind kind);

    /// <summary>Throws, naming the setting, when <paramref name="task"/> cannot be used with this learner (its kind, its ways against the head).</summary>
    void Validate(ITask task);

    /// <summary>The starting state: the initial meta-parameters (leaves requiring gradients) and fresh optimizer state.</summary>
    LearnerState Init();

    /// <summary>One meta-update on <paramref name="batch"/>. Nothing is mutated; the returned state is new.</summary>
    StepResult Step(LearnerState state, IReadOnlyList<ITask> batch, StepContext context);

    /// <summary>A model fitted to one task from its support alone, at <paramref name="state"/>'s meta-parameters.</summary>
    IAdaptedModel Adapt(LearnerState state, TaskSupport support, Rng rng);

    /// <summary>Adapts to <paramref name="task"/>'s support and scores its query part: one evaluation episode.</summary>
    MetricValues Evaluate(LearnerState state, ITask task, EpisodeContext context);
}

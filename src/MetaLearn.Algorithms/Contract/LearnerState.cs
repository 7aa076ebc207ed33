using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// Everything a learner's update changes: the meta-parameters and the state of every optimizer it owns (Adam's
/// moments, a GAN's two optimizers under their own prefixes). Saved and restored with a checkpoint, so resuming
/// continues the run exactly.
/// </summary>
/// <param name="Parameters">The meta-parameters, leaves requiring gradients (named like the model's, plus learned extras such as <c>inner_lr.*</c>).</param>
/// <param name="OptimizerState">The optimizer state (empty when the learner has no optimizer).</param>
public sealed record LearnerState(ParameterSet Parameters, ParameterSet OptimizerState);

/// <summary>The outcome of <see cref="IMetaLearner.Step"/>.</summary>
/// <param name="State">The state after the update.</param>
/// <param name="Metrics">The step's metrics: the mean over the meta-batch, e.g. <c>loss</c> and <c>accuracy</c>.</param>
/// <param name="TaskMetrics">Each task's metrics in batch order (to name the task when a loss is not finite).</param>
public sealed record StepResult(LearnerState State, MetricValues Metrics, IReadOnlyList<MetricValues> TaskMetrics);

/// <summary>The mean of a meta-batch's per-task tensors before the outer update, with the step's metrics.</summary>
/// <param name="Gradient">The mean meta-gradient (or pseudo-gradient), detached, named like the parameters.</param>
/// <param name="Metrics">The mean of the tasks' metrics.</param>
/// <param name="TaskMetrics">Each task's metrics in batch order.</param>
public sealed record MetaGradient(ParameterSet Gradient, MetricValues Metrics, IReadOnlyList<MetricValues> TaskMetrics);

/// <summary>What one evaluation episode runs with: its random stream and the batch-norm protocol.</summary>
/// <param name="Rng">The episode's stream (a function of the evaluation seed and the episode index).</param>
/// <param name="BatchNorm">How queries are normalised; with <see cref="BatchNormAtTest.Transductive"/> an adapted model that is an <see cref="ITransductivePredictor"/> predicts the query set as one batch.</param>
public sealed record EpisodeContext(Rng Rng, BatchNormAtTest BatchNorm = BatchNormAtTest.SupportStatistics);

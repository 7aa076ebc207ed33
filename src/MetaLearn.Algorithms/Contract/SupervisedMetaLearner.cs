using System.Text.Json;
using System.Text.Json.Serialization;
using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// What the learners share: the model, parameter access, task validation, and a <see cref="MetaStep"/> that runs
/// <see cref="RunTask"/> for every task in parallel and averages the per-task gradients in task order.
/// A new algorithm overrides <see cref="RunTask"/> and <see cref="Adapt"/>.
/// </summary>
public abstract class MetaLearnerBase : IMetaLearner
{
    private static readonly JsonSerializerOptions s_json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Stores the model and the validated options.</summary>
    protected MetaLearnerBase(Module model, LearnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Model = model;
        BaseOptions = options;
    }

    /// <inheritdoc/>
    public abstract string Algorithm { get; }

    /// <inheritdoc/>
    public Module Model { get; }

    /// <summary>The options shared by all learners.</summary>
    protected LearnerOptions BaseOptions { get; }

    /// <inheritdoc/>
    public virtual ParameterSet Parameters
    {
        get => Model.Parameters;
        set => Model.Parameters = value;
    }

    /// <inheritdoc/>
    public string ConfigJson => JsonSerializer.Serialize(BaseOptions, BaseOptions.GetType(), s_json);

    /// <inheritdoc/>
    public virtual void Validate(FewShotTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.Queries == 0)
        {
            throw new ArgumentException($"{Algorithm}: the task has no query samples; meta-training measures the loss on the query set. Use queries >= 1.");
        }
        if (task.IsClassification && Model is Backbone { Head: Linear head } && head.OutFeatures != task.Ways)
        {
            throw new ArgumentException(
                $"{Algorithm}: the head has {head.OutFeatures} outputs but the task is {task.Ways}-way; build the backbone with ways = {task.Ways}.");
        }
    }

    /// <inheritdoc/>
    public MetaStepResult MetaStep(IReadOnlyList<FewShotTask> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            throw new ArgumentException($"{Algorithm}: the meta-batch is empty; pass at least one task.", nameof(batch));
        }
        RequireGradEnabled();
        foreach (FewShotTask task in batch)
        {
            Validate(task);
        }
        ParameterSet parameters = Parameters;
        TaskOutcome[] outcomes = TaskParallel.Map(batch.Count, BaseOptions.MaxDegreeOfParallelism, i =>
        {
            // A task's graph is dead once its gradient is taken; the next task reuses its memory.
            using TensorScope scope = TensorScope.Begin();
            TaskOutcome outcome = RunTask(batch[i], parameters);
            scope.Keep(outcome.Gradient);
            return outcome;
        });

        using (Autograd.NoGrad())
        {
            // Sum in task order: floating-point addition is not associative, and a fixed order is what makes
            // a seed give the same parameters on any number of threads.
            Tensor[] sum = outcomes[0].Gradient;
            for (int i = 1; i < outcomes.Length; i++)
            {
                Tensor[] g = outcomes[i].Gradient;
                sum = sum.Select((s, k) => s + g[k]).ToArray();
            }
            double scale = 1.0 / outcomes.Length;
            ParameterSet mean = Sets.Build(parameters.Names, sum.Select(s => (s * scale).Detach()).ToArray());
            double? accuracy = outcomes[0].Accuracy is null ? null : outcomes.Sum(o => o.Accuracy!.Value) / outcomes.Length;
            return new MetaStepResult
            {
                Loss = outcomes.Sum(o => o.Loss) / outcomes.Length,
                Accuracy = accuracy,
                TaskLosses = outcomes.Select(o => o.Loss).ToArray(),
                Gradient = mean,
            };
        }
    }

    /// <inheritdoc/>
    public abstract IAdaptedModel Adapt(SupportSet support);

    /// <summary>
    /// One task of a meta-batch: adapt on the support set, measure the query loss, and return its gradient with respect
    /// to <paramref name="parameters"/> (in their order). Runs on a worker thread: build a private graph, use
    /// <c>Autograd.Grad</c> (never <c>Backward</c>, which writes into shared leaves).
    /// </summary>
    protected abstract TaskOutcome RunTask(FewShotTask task, ParameterSet parameters);

    /// <summary>The forward settings for inner step <paramref name="step"/>, in the model's current mode.</summary>
    protected ForwardContext Context(int step) => new() { Training = Model.Training, Step = step };

    /// <summary>Throws when called inside <c>Autograd.NoGrad()</c>, where no inner-loop gradient can be taken.</summary>
    protected void RequireGradEnabled()
    {
        if (!Autograd.IsGradEnabled)
        {
            throw new InvalidOperationException(
                $"{Algorithm}: adaptation takes gradients, but gradient recording is off on this thread (inside Autograd.NoGrad()). Call it outside the NoGrad scope.");
        }
    }

    /// <summary>The result of one task: its query loss, accuracy (classification) and gradient tensors in parameter order.</summary>
    protected sealed record TaskOutcome(double Loss, double? Accuracy, Tensor[] Gradient);

    /// <summary>Builds a <see cref="TaskOutcome"/> from the query output and loss and the gradient.</summary>
    protected static TaskOutcome Outcome(FewShotTask task, Tensor queryOutput, Tensor queryLoss, Tensor[] gradient)
        => new(queryLoss.Item(), task.QueryLabels is { } labels ? TaskObjective.Accuracy(queryOutput, labels) : null, gradient);
}

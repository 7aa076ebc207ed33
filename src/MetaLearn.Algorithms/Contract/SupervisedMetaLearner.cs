using System.Text.Json;
using System.Text.Json.Serialization;
using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Optim;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// What the learners of labelled and regression tasks share (MAML, Meta-SGD, ANIL, Reptile, the metric learners):
/// a <see cref="Step"/> that runs <see cref="RunTask"/> for every task of the meta-batch through
/// <see cref="StepContext.Map"/>, averages the per-task tensors in task order and applies the learner's outer
/// optimizer to that mean; an <see cref="Evaluate"/> that adapts on the support set and scores the query set with
/// <see cref="SupervisedObjective"/>. A new algorithm overrides <see cref="RunTask"/> and <see cref="Adapt"/>.
/// </summary>
public abstract class SupervisedMetaLearner : IMetaLearner
{
    private static readonly JsonSerializerOptions s_json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Stores the model, the validated options and the outer optimizer.</summary>
    protected SupervisedMetaLearner(Module model, LearnerOptions options, IGradientTransformation outerOptimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(outerOptimizer);
        options.Validate();
        Model = model;
        BaseOptions = options;
        OuterOptimizer = outerOptimizer;
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public Module Model { get; }

    /// <summary>The update applied to the mean of the per-task tensors (Adam on the meta-gradient, Reptile's annealed SGD).</summary>
    public IGradientTransformation OuterOptimizer { get; }

    /// <summary>The options shared by all learners.</summary>
    protected LearnerOptions BaseOptions { get; }

    /// <inheritdoc/>
    public string ConfigJson => JsonSerializer.Serialize(BaseOptions, BaseOptions.GetType(), s_json);

    /// <inheritdoc/>
    public virtual MetricSet Metrics(TaskKind kind) => SupervisedObjective.Metrics(Name, kind);

    /// <inheritdoc/>
    public virtual void Validate(ITask task)
    {
        FewShotTask t = RequireFewShot(task);
        if (t.Queries == 0)
        {
            throw new ArgumentException($"{Name}: the task has no query samples; meta-training measures the loss on the query set. Use queries >= 1.");
        }
        if (t.IsClassification && Model is Backbone { Head: Linear head } && head.OutFeatures != t.Ways)
        {
            throw new ArgumentException(
                $"{Name}: the head has {head.OutFeatures} outputs but the task is {t.Ways}-way; build the backbone with ways = {t.Ways}.");
        }
    }

    /// <inheritdoc/>
    public LearnerState Init()
    {
        ParameterSet parameters = InitialParameters();
        return new LearnerState(parameters, OuterOptimizer.Init(parameters));
    }

    /// <inheritdoc/>
    public StepResult Step(LearnerState state, IReadOnlyList<ITask> batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        MetaGradient gradient = ComputeMetaGradient(state, batch, context);
        (ParameterSet next, ParameterSet optimizerState) = OuterOptimizer.StepDetached(state.Parameters, gradient.Gradient, state.OptimizerState);
        return new StepResult(new LearnerState(next, optimizerState), gradient.Metrics, gradient.TaskMetrics);
    }

    /// <summary>
    /// The first half of <see cref="Step"/>: every task's <see cref="RunTask"/> result averaged in task order (the mean
    /// meta-gradient, or Reptile's pseudo-gradient), named like the parameters, without applying the outer optimizer.
    /// For checking a meta-gradient, or for an outer update of one's own.
    /// </summary>
    public MetaGradient ComputeMetaGradient(LearnerState state, IReadOnlyList<ITask> batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        if (batch.Count == 0)
        {
            throw new ArgumentException($"{Name}: the meta-batch is empty; pass at least one task.", nameof(batch));
        }
        RequireGradEnabled();
        var tasks = new FewShotTask[batch.Count];
        for (int i = 0; i < tasks.Length; i++)
        {
            Validate(batch[i]);
            tasks[i] = (FewShotTask)batch[i];
        }
        ParameterSet parameters = state.Parameters;
        TaskResult[] results = context.Map(tasks.Length, i => RunTask(parameters, tasks[i], context.TaskRng(i)));
        MetricValues[] perTask = [.. results.Select(r => r.Metrics)];
        return new MetaGradient(Build(parameters.Names, TaskResult.MeanTensors(results)), MetricValues.Mean(perTask), perTask);
    }

    /// <inheritdoc/>
    public abstract IAdaptedModel Adapt(LearnerState state, TaskSupport support, Rng rng);

    /// <inheritdoc/>
    public virtual MetricValues Evaluate(LearnerState state, ITask task, EpisodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        FewShotTask t = RequireFewShot(task);
        var predictor = (IPredictor)Adapt(state, t.Support, context.Rng);
        Tensor output = context.BatchNorm == BatchNormAtTest.Transductive && predictor is ITransductivePredictor transductive
            ? transductive.PredictTransductive(t.QueryInputs)
            : predictor.Predict(t.QueryInputs);
        return SupervisedObjective.Score(output, t);
    }

    /// <summary>The meta-parameters a run starts from: the model's trainable tensors, plus any learned extras (Meta-SGD's rates).</summary>
    protected virtual ParameterSet InitialParameters() => Model.Parameters;

    /// <summary>
    /// One task of a meta-batch, on a worker thread: adapt on the support set, measure the query loss, and return the
    /// tensors to average (the gradient with respect to <paramref name="parameters"/>, in their order) and the task's
    /// metrics. Build a private graph and use <c>Autograd.Grad</c> (never <c>Backward</c>, which writes into shared leaves).
    /// </summary>
    protected abstract TaskResult RunTask(ParameterSet parameters, FewShotTask task, Rng rng);

    /// <summary>The forward settings for inner step <paramref name="step"/>, in the model's current mode, drawing from <paramref name="rng"/>.</summary>
    protected ForwardContext Context(int step, Rng? rng) => new() { Training = Model.Training, Step = step, Rng = rng };

    /// <summary>Throws when called inside <c>Autograd.NoGrad()</c>, where no inner-loop gradient can be taken.</summary>
    protected void RequireGradEnabled()
    {
        if (!Autograd.IsGradEnabled)
        {
            throw new InvalidOperationException(
                $"{Name}: adaptation takes gradients, but gradient recording is off on this thread (inside Autograd.NoGrad()). Call it outside the NoGrad scope.");
        }
    }

    /// <summary><paramref name="task"/> as a labelled or regression task, or an error naming the learner and the kind it got.</summary>
    protected FewShotTask RequireFewShot(ITask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task as FewShotTask
            ?? throw new ArgumentException($"{Name}: learns from labelled or regression tasks; got a {task.Kind} task ({task.Description}).");
    }

    /// <summary><paramref name="support"/> as a labelled or regression support set, or an error naming the learner and the kind it got.</summary>
    protected SupportSet RequireSupervised(TaskSupport support)
    {
        ArgumentNullException.ThrowIfNull(support);
        return support is SupportSet { Kind: TaskKind.Classification or TaskKind.Regression } s
            ? s
            : throw new ArgumentException($"{Name}: adapts to labelled or regression support sets; got a {support.Kind} support.");
    }

    /// <summary>A set named <paramref name="names"/> holding <paramref name="tensors"/>.</summary>
    protected static ParameterSet Build(IReadOnlyList<string> names, IReadOnlyList<Tensor> tensors)
        => new(names.Select((n, i) => new KeyValuePair<string, Tensor>(n, tensors[i])));

    /// <summary>A task result whose tensors are <paramref name="gradient"/> and whose metrics are the query loss (and accuracy).</summary>
    protected static TaskResult Result(FewShotTask task, Tensor queryOutput, Tensor queryLoss, Tensor[] gradient)
        => new(gradient, SupervisedObjective.StepMetrics(queryOutput, queryLoss, task));
}

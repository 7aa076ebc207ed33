using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Optim;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// The shape MAML and Meta-SGD share: adapt all of the model's parameters by a differentiable inner optimizer on the
/// support set (recorded for the second-order meta-gradient unless first order), then take the query loss's gradient
/// with respect to the meta-parameters. Subclasses say which inner optimizer adapts which weights.
/// </summary>
public abstract class InnerLoopLearner : SupervisedMetaLearner
{
    /// <summary>Creates the learner over <paramref name="model"/>.</summary>
    protected InnerLoopLearner(Module model, LearnerOptions options, IGradientTransformation outerOptimizer)
        : base(model, options, outerOptimizer)
    {
    }

    /// <summary>Inner steps during meta-training.</summary>
    protected abstract int TrainInnerSteps { get; }

    /// <summary>Inner steps when adapting to a new task.</summary>
    protected abstract int TestInnerSteps { get; }

    /// <summary>True for the first-order variant: inner gradients are constants of the meta-gradient.</summary>
    protected abstract bool FirstOrder { get; }

    /// <inheritdoc/>
    public override IAdaptedModel Adapt(LearnerState state, TaskSupport support, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(state);
        SupportSet s = RequireSupervised(support);
        RequireGradEnabled();
        ParameterSet fast = AdaptParameters(state.Parameters, s, TestInnerSteps, createGraph: false, rng).Detach();
        return AdaptedNetwork.Create(Model, fast, Context(TestInnerSteps, rng), s.Inputs, s.Ways);
    }

    /// <inheritdoc/>
    protected override TaskResult RunTask(ParameterSet parameters, FewShotTask task, Rng rng)
    {
        ParameterSet fast = AdaptParameters(parameters, task.Support, TrainInnerSteps, createGraph: !FirstOrder, rng);
        Tensor output = Model.Forward(task.QueryInputs, fast, Context(TrainInnerSteps, rng));
        Tensor loss = SupervisedObjective.QueryLoss(Name, output, task);
        Tensor[] gradient = Autograd.Grad(loss, parameters.Tensors);
        return Result(task, output, loss, gradient);
    }

    /// <summary>The model's fast weights after <paramref name="steps"/> inner steps from <paramref name="start"/> (the meta-parameters).</summary>
    protected abstract ParameterSet AdaptParameters(ParameterSet start, SupportSet support, int steps, bool createGraph, Rng rng);
}

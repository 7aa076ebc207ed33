using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// The shape MAML and Meta-SGD share: adapt all parameters by gradient steps on the support set (recorded for the
/// second-order meta-gradient unless first order), then take the query loss's gradient with respect to the
/// learner's parameters. Subclasses say only how one inner step updates the parameters.
/// </summary>
public abstract class InnerLoopLearner : MetaLearnerBase
{
    /// <summary>Creates the learner over <paramref name="model"/>.</summary>
    protected InnerLoopLearner(Module model, LearnerOptions options)
        : base(model, options)
    {
    }

    /// <summary>Inner steps during meta-training.</summary>
    protected abstract int TrainInnerSteps { get; }

    /// <summary>Inner steps when adapting to a new task.</summary>
    protected abstract int TestInnerSteps { get; }

    /// <summary>True for the first-order variant: inner gradients are constants of the meta-gradient.</summary>
    protected abstract bool FirstOrder { get; }

    /// <inheritdoc/>
    public override IAdaptedModel Adapt(SupportSet support)
    {
        ArgumentNullException.ThrowIfNull(support);
        RequireGradEnabled();
        ParameterSet fast = AdaptParameters(Parameters, support, TestInnerSteps, createGraph: false).Detach();
        return new FunctionalModel(Model, fast, Context(TestInnerSteps));
    }

    /// <inheritdoc/>
    protected override TaskOutcome RunTask(FewShotTask task, ParameterSet parameters)
    {
        ParameterSet fast = AdaptParameters(parameters, SupportSet.Of(task), TrainInnerSteps, createGraph: !FirstOrder);
        Tensor output = Model.Forward(task.QueryInputs, fast, Context(TrainInnerSteps));
        Tensor loss = TaskObjective.QueryLoss(Algorithm, output, task);
        Tensor[] gradient = Autograd.Grad(loss, parameters.Tensors);
        return Outcome(task, output, loss, gradient);
    }

    /// <summary>The model's fast weights after <paramref name="steps"/> inner steps from <paramref name="start"/> (the learner's parameters).</summary>
    protected abstract ParameterSet AdaptParameters(ParameterSet start, SupportSet support, int steps, bool createGraph);
}

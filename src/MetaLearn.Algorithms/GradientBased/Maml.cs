using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Optim;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// Model-Agnostic Meta-Learning (Finn, Abbeel and Levine 2017): learn an initialisation theta such that a few SGD
/// steps on a task's support set, <c>phi = theta - alpha * grad L_support(theta)</c> (repeated), give a low query loss.
/// The meta-gradient <c>d L_query(phi) / d theta</c> is taken through the inner steps (second order, the default) or,
/// with <see cref="MamlOptions.FirstOrder"/>, with the inner gradients held constant (FOMAML, section 5.2). The outer
/// update is Adam (<see cref="MamlOptions.Outer"/>) on the meta-gradient averaged over the meta-batch.
/// </summary>
/// <remarks>
/// Every task builds its own graph from the shared parameters and is differentiated with <c>Autograd.Grad</c>, so
/// the tasks of a meta-batch run in parallel. Batch norm runs in the model's mode with
/// <see cref="ForwardContext.Step"/> = inner step (query: step = number of inner steps), which per-step statistics use.
/// </remarks>
public sealed class Maml : InnerLoopLearner
{
    /// <summary>Creates the learner over <paramref name="model"/>'s parameters; the outer optimizer is <paramref name="outerOptimizer"/>, else the one the options describe.</summary>
    public Maml(Module model, MamlOptions options, IGradientTransformation? outerOptimizer = null)
        : base(model, options, outerOptimizer ?? Checked(options).Outer.Create())
    {
        Options = options;
        InnerOptimizer = Optimizers.Sgd(options.InnerLearningRate);
    }

    /// <summary>The settings.</summary>
    public MamlOptions Options { get; }

    /// <summary>The inner loop's optimizer: SGD with <see cref="MamlOptions.InnerLearningRate"/>, differentiable.</summary>
    public IGradientTransformation InnerOptimizer { get; }

    /// <inheritdoc/>
    public override string Name => Options.FirstOrder ? "fomaml" : "maml";

    /// <inheritdoc/>
    protected override int TrainInnerSteps => Options.TrainInnerSteps;

    /// <inheritdoc/>
    protected override int TestInnerSteps => Options.TestInnerSteps;

    /// <inheritdoc/>
    protected override bool FirstOrder => Options.FirstOrder;

    /// <inheritdoc/>
    protected override ParameterSet AdaptParameters(ParameterSet start, SupportSet support, int steps, bool createGraph, Rng rng)
        => InnerLoop.Descend(start,
            (p, s) => SupervisedObjective.SupportLoss(Name, Model.Forward(support.Inputs, p, Context(s, rng)), support),
            steps, createGraph, InnerOptimizer);

    internal static MamlOptions Checked(MamlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }
}

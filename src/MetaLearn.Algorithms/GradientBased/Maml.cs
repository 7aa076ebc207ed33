using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// Model-Agnostic Meta-Learning (Finn, Abbeel and Levine 2017): learn an initialisation theta such that a few SGD
/// steps on a task's support set, <c>phi = theta - alpha * grad L_support(theta)</c> (repeated), give a low query loss.
/// The meta-gradient <c>d L_query(phi) / d theta</c> is taken through the inner steps (second order, the default) or,
/// with <see cref="MamlOptions.FirstOrder"/>, with the inner gradients held constant (FOMAML, section 5.2).
/// </summary>
/// <remarks>
/// Every task builds its own graph from the shared parameters and is differentiated with <c>Autograd.Grad</c>, so
/// the tasks of a meta-batch run in parallel. Batch norm runs in the model's mode with
/// <see cref="ForwardContext.Step"/> = inner step (query: step = number of inner steps), which per-step statistics use.
/// </remarks>
public sealed class Maml : InnerLoopLearner
{
    /// <summary>Creates the learner over <paramref name="model"/>'s parameters.</summary>
    public Maml(Module model, MamlOptions options)
        : base(model, options)
    {
        Options = options;
    }

    /// <summary>The settings.</summary>
    public MamlOptions Options { get; }

    /// <inheritdoc/>
    public override string Algorithm => Options.FirstOrder ? "fomaml" : "maml";

    /// <inheritdoc/>
    protected override int TrainInnerSteps => Options.TrainInnerSteps;

    /// <inheritdoc/>
    protected override int TestInnerSteps => Options.TestInnerSteps;

    /// <inheritdoc/>
    protected override bool FirstOrder => Options.FirstOrder;

    /// <inheritdoc/>
    protected override ParameterSet AdaptParameters(ParameterSet start, SupportSet support, int steps, bool createGraph)
    {
        double lr = Options.InnerLearningRate;
        return InnerLoop.Descend(start,
            (p, s) => TaskObjective.SupportLoss(Algorithm, Model.Forward(support.Inputs, p, Context(s)), support),
            steps, createGraph, (_, p, g) => p - g * lr);
    }
}

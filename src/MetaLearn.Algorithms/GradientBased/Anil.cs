using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// ANIL, "Almost No Inner Loop" (Raghu, Raghu, Bengio and Vinyals 2020): MAML whose inner loop adapts only the
/// backbone's <see cref="Backbone.Head"/>; the features are meta-learned in the outer loop but never adapted. The
/// embeddings of the support and query sets are computed once per task, so each inner step costs only the head.
/// Takes <see cref="MamlOptions"/> (inner rate, train/test steps, <see cref="MamlOptions.FirstOrder"/>).
/// </summary>
public sealed class Anil : MetaLearnerBase
{
    private readonly Backbone _backbone;

    /// <summary>Creates the learner over a backbone's features and head.</summary>
    public Anil(Backbone model, MamlOptions options)
        : base(model, options)
    {
        _backbone = model;
        Options = options;
    }

    /// <summary>The settings.</summary>
    public MamlOptions Options { get; }

    /// <inheritdoc/>
    public override string Algorithm => Options.FirstOrder ? "anil-fo" : "anil";

    /// <inheritdoc/>
    public override IAdaptedModel Adapt(SupportSet support)
    {
        ArgumentNullException.ThrowIfNull(support);
        RequireGradEnabled();
        ParameterSet all = Parameters;
        Tensor features;
        using (Autograd.NoGrad())
        {
            features = _backbone.Embed(support.Inputs, all, Context(0));
        }
        ParameterSet head = AdaptHead(all.Scope("head"), features, support, Options.TestInnerSteps, createGraph: false).Detach();
        // Step 0 throughout: the features are never adapted, and the head has no per-step state.
        return new FunctionalModel(_backbone, Sets.Merge(all.Detach(), head.Prefix("head")), Context(0));
    }

    /// <inheritdoc/>
    protected override TaskOutcome RunTask(FewShotTask task, ParameterSet parameters)
    {
        Tensor supportFeatures = _backbone.Embed(task.SupportInputs, parameters, Context(0));
        Tensor queryFeatures = _backbone.Embed(task.QueryInputs, parameters, Context(0));
        ParameterSet head = AdaptHead(parameters.Scope("head"), supportFeatures, SupportSet.Of(task), Options.TrainInnerSteps, createGraph: !Options.FirstOrder);
        Tensor output = _backbone.Head.Forward(queryFeatures, head, Context(Options.TrainInnerSteps));
        Tensor loss = TaskObjective.QueryLoss(Algorithm, output, task);
        Tensor[] gradient = Autograd.Grad(loss, parameters.Tensors);
        return Outcome(task, output, loss, gradient);
    }

    private ParameterSet AdaptHead(ParameterSet head, Tensor features, SupportSet support, int steps, bool createGraph)
    {
        double lr = Options.InnerLearningRate;
        return InnerLoop.Descend(head,
            (p, s) => TaskObjective.SupportLoss(Algorithm, _backbone.Head.Forward(features, p, Context(s)), support),
            steps, createGraph, (_, p, g) => p - g * lr);
    }
}

using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Optim;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// ANIL, "Almost No Inner Loop" (Raghu, Raghu, Bengio and Vinyals 2020): MAML whose inner loop adapts only the
/// backbone's <see cref="Backbone.Head"/>; the features are meta-learned in the outer loop but never adapted. The
/// embeddings of the support and query sets are computed once per task, so each inner step costs only the head.
/// Takes <see cref="MamlOptions"/> (inner rate, train/test steps, <see cref="MamlOptions.FirstOrder"/>, outer Adam).
/// </summary>
public sealed class Anil : SupervisedMetaLearner
{
    private readonly Backbone _backbone;

    /// <summary>Creates the learner over a backbone's features and head.</summary>
    public Anil(Backbone model, MamlOptions options, IGradientTransformation? outerOptimizer = null)
        : base(model, options, outerOptimizer ?? Maml.Checked(options).Outer.Create())
    {
        _backbone = model;
        Options = options;
        InnerOptimizer = Optimizers.Sgd(options.InnerLearningRate);
    }

    /// <summary>The settings.</summary>
    public MamlOptions Options { get; }

    /// <summary>The head's inner optimizer: SGD with <see cref="MamlOptions.InnerLearningRate"/>.</summary>
    public IGradientTransformation InnerOptimizer { get; }

    /// <inheritdoc/>
    public override string Name => Options.FirstOrder ? "anil-fo" : "anil";

    /// <inheritdoc/>
    public override IAdaptedModel Adapt(LearnerState state, TaskSupport support, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(state);
        SupportSet s = RequireSupervised(support);
        RequireGradEnabled();
        ParameterSet all = state.Parameters;
        Tensor features;
        using (Autograd.NoGrad())
        {
            features = _backbone.Embed(s.Inputs, all, Context(0, rng));
        }
        ParameterSet head = AdaptHead(all.Scope("head"), features, s, Options.TestInnerSteps, createGraph: false, rng).Detach();
        // Step 0 throughout: the features are never adapted, and the head has no per-step state.
        return AdaptedNetwork.Create(_backbone, Sets.Merge(all.Detach(), head.Prefix("head")), Context(0, rng), s.Inputs, s.Ways);
    }

    /// <inheritdoc/>
    protected override TaskResult RunTask(ParameterSet parameters, FewShotTask task, Rng rng)
    {
        Tensor supportFeatures = _backbone.Embed(task.SupportInputs, parameters, Context(0, rng));
        Tensor queryFeatures = _backbone.Embed(task.QueryInputs, parameters, Context(0, rng));
        ParameterSet head = AdaptHead(parameters.Scope("head"), supportFeatures, task.Support, Options.TrainInnerSteps, createGraph: !Options.FirstOrder, rng);
        Tensor output = _backbone.Head.Forward(queryFeatures, head, Context(Options.TrainInnerSteps, rng));
        Tensor loss = SupervisedObjective.QueryLoss(Name, output, task);
        Tensor[] gradient = Autograd.Grad(loss, parameters.Tensors);
        return Result(task, output, loss, gradient);
    }

    private ParameterSet AdaptHead(ParameterSet head, Tensor features, SupportSet support, int steps, bool createGraph, Rng rng)
        => InnerLoop.Descend(head,
            (p, s) => SupervisedObjective.SupportLoss(Name, _backbone.Head.Forward(features, p, Context(s, rng)), support),
            steps, createGraph, InnerOptimizer);
}

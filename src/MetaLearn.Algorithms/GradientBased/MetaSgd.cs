using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Optim;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// Meta-SGD (Li, Zhou, Chen and Li 2017): MAML with a learned learning rate for every parameter element,
/// <c>phi = theta - alpha ⊙ grad L_support(theta)</c>, where <c>alpha</c> (shaped like <c>theta</c>) is meta-learned
/// with <c>theta</c>. The rates are meta-parameters named <c>inner_lr.&lt;parameter&gt;</c>; the inner step is
/// <see cref="ScaleByLearnedRates"/> over them, so the meta-gradient reaches them through the update.
/// </summary>
/// <remarks>
/// The paper initialises alpha uniformly at random in [0.005, 0.1]; here every rate starts at
/// <see cref="MetaSgdOptions.InitialInnerLearningRate"/>, so a run starts exactly as MAML with that rate.
/// The rates are not constrained to be positive, as in the paper.
/// </remarks>
public sealed class MetaSgd : InnerLoopLearner
{
    /// <summary>Prefix of the learned-rate names.</summary>
    public const string RatePrefix = "inner_lr";

    /// <summary>Creates the learner, with every rate at <see cref="MetaSgdOptions.InitialInnerLearningRate"/>.</summary>
    public MetaSgd(Module model, MetaSgdOptions options, IGradientTransformation? outerOptimizer = null)
        : base(model, options, outerOptimizer ?? Checked(options).Outer.Create())
    {
        Options = options;
    }

    /// <summary>The settings.</summary>
    public MetaSgdOptions Options { get; }

    /// <inheritdoc/>
    public override string Name => "metasgd";

    /// <inheritdoc/>
    protected override int TrainInnerSteps => Options.TrainInnerSteps;

    /// <inheritdoc/>
    protected override int TestInnerSteps => Options.TestInnerSteps;

    /// <inheritdoc/>
    protected override bool FirstOrder => Options.FirstOrder;

    /// <summary>The learned per-parameter inner learning rates of <paramref name="state"/>, named like the model's parameters.</summary>
    public static ParameterSet Rates(LearnerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Parameters.Scope(RatePrefix);
    }

    /// <inheritdoc/>
    protected override ParameterSet InitialParameters()
    {
        ParameterSet weights = Model.Parameters;
        ParameterSet rates = weights.Map(p => Tensor.Full(p.Shape.ToArray(), Options.InitialInnerLearningRate, p.DType)).AsLeaves();
        return weights.Concat(rates.Prefix(RatePrefix));
    }

    /// <summary>Adapts the model part of <paramref name="all"/> with the rate part.</summary>
    protected override ParameterSet AdaptParameters(ParameterSet all, SupportSet support, int steps, bool createGraph, Rng rng)
    {
        ParameterSet weights = all.Filter((n, _) => !n.StartsWith(RatePrefix + ".", StringComparison.Ordinal));
        var inner = new ScaleByLearnedRates(all.Scope(RatePrefix));
        return InnerLoop.Descend(weights,
            (p, s) => SupervisedObjective.SupportLoss(Name, Model.Forward(support.Inputs, p, Context(s, rng)), support),
            steps, createGraph, inner);
    }

    private static MetaSgdOptions Checked(MetaSgdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }
}

using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// Meta-SGD (Li, Zhou, Chen and Li 2017): MAML with a learned learning rate for every parameter element,
/// <c>phi = theta - alpha ⊙ grad L_support(theta)</c>, where <c>alpha</c> (shaped like <c>theta</c>) is meta-learned
/// with <c>theta</c>. The rates are meta-parameters named <c>inner_lr.&lt;parameter&gt;</c>.
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

    private ParameterSet _rates;

    /// <summary>Creates the learner, with every rate at <see cref="MetaSgdOptions.InitialInnerLearningRate"/>.</summary>
    public MetaSgd(Module model, MetaSgdOptions options)
        : base(model, options)
    {
        Options = options;
        _rates = model.Parameters.Map(p => Tensor.Full(p.Shape.ToArray(), options.InitialInnerLearningRate, p.DType)).AsLeaves();
    }

    /// <summary>The settings.</summary>
    public MetaSgdOptions Options { get; }

    /// <inheritdoc/>
    public override string Algorithm => "metasgd";

    /// <summary>The learned per-parameter inner learning rates, named like the model's parameters.</summary>
    public ParameterSet Rates => _rates;

    /// <inheritdoc/>
    public override ParameterSet Parameters
    {
        get => Model.Parameters.Concat(_rates.Prefix(RatePrefix));
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Parameters.RequireSameStructure("MetaSgd: setting Parameters", value);
            ParameterSet rates = value.Scope(RatePrefix);
            Model.Parameters = value.Filter((n, _) => !n.StartsWith(RatePrefix + ".", StringComparison.Ordinal));
            _rates = rates;
        }
    }

    /// <inheritdoc/>
    protected override int TrainInnerSteps => Options.TrainInnerSteps;

    /// <inheritdoc/>
    protected override int TestInnerSteps => Options.TestInnerSteps;

    /// <inheritdoc/>
    protected override bool FirstOrder => Options.FirstOrder;

    /// <summary>Adapts the model part of <paramref name="all"/> using the rate part.</summary>
    protected override ParameterSet AdaptParameters(ParameterSet all, SupportSet support, int steps, bool createGraph)
    {
        ParameterSet weights = all.Filter((n, _) => !n.StartsWith(RatePrefix + ".", StringComparison.Ordinal));
        ParameterSet rates = all.Scope(RatePrefix);
        Tensor[] alpha = weights.Names.Select(n => rates[n]).ToArray();
        return InnerLoop.Descend(weights,
            (p, s) => TaskObjective.SupportLoss(Algorithm, Model.Forward(support.Inputs, p, Context(s)), support),
            steps, createGraph, (i, p, g) => p - alpha[i] * g);
    }
}

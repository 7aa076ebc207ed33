namespace MetaLearn.Algorithms;

/// <summary>Settings of <see cref="MetaSgd"/> (Li et al. 2017).</summary>
public sealed record MetaSgdOptions : LearnerOptions
{
    /// <summary>The value every learned inner learning rate starts at.</summary>
    public double InitialInnerLearningRate { get; init; } = 0.01;

    /// <summary>Inner steps during meta-training (the paper uses one).</summary>
    public int TrainInnerSteps { get; init; } = 1;

    /// <summary>Inner steps when adapting to a new task.</summary>
    public int TestInnerSteps { get; init; } = 1;

    /// <summary>Treat the inner gradients as constants. The rates still receive gradients, through <c>alpha * g</c>.</summary>
    public bool FirstOrder { get; init; }

    /// <summary>The outer optimizer (Adam on the weights and the rates together).</summary>
    public OuterAdamOptions Outer { get; init; } = new();

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        RequirePositive(nameof(InitialInnerLearningRate), InitialInnerLearningRate);
        RequireSteps(nameof(TrainInnerSteps), TrainInnerSteps);
        RequireSteps(nameof(TestInnerSteps), TestInnerSteps);
        ArgumentNullException.ThrowIfNull(Outer, nameof(Outer));
        Outer.Validate();
    }
}

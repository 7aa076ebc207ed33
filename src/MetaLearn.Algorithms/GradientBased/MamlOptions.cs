namespace MetaLearn.Algorithms;

/// <summary>Settings of <see cref="Maml"/> (Finn et al. 2017) and <see cref="Anil"/>.</summary>
public sealed record MamlOptions : LearnerOptions
{
    /// <summary>Inner-loop SGD learning rate alpha (the paper: 0.01 sinusoid, 0.4 Omniglot).</summary>
    public double InnerLearningRate { get; init; } = 0.01;

    /// <summary>Inner steps during meta-training (the paper: 1 sinusoid, 1 Omniglot 5-way, 5 miniImageNet).</summary>
    public int TrainInnerSteps { get; init; } = 1;

    /// <summary>Inner steps when adapting to a new task (<see cref="IMetaLearner.Adapt"/>); the paper tests with 10.</summary>
    public int TestInnerSteps { get; init; } = 10;

    /// <summary>
    /// First-order MAML (FOMAML): drop the second derivatives, i.e. treat the inner gradients as constants. Off by
    /// default; second order is never silently replaced by first order.
    /// </summary>
    public bool FirstOrder { get; init; }

    /// <summary>The outer optimizer (Adam, 1e-3 in the paper).</summary>
    public OuterAdamOptions Outer { get; init; } = new();

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        RequirePositive(nameof(InnerLearningRate), InnerLearningRate);
        RequireSteps(nameof(TrainInnerSteps), TrainInnerSteps);
        RequireSteps(nameof(TestInnerSteps), TestInnerSteps);
        ArgumentNullException.ThrowIfNull(Outer, nameof(Outer));
        Outer.Validate();
    }
}

using MetaLearn.Optim;

namespace MetaLearn.Algorithms;

/// <summary>The inner-loop optimizer of <see cref="Reptile"/>.</summary>
public enum ReptileInnerOptimizer
{
    /// <summary>Plain SGD with <see cref="ReptileOptions.InnerLearningRate"/>.</summary>
    Sgd,

    /// <summary>Adam with beta1 = 0 (Nichol et al. 2018, section 6), a fresh state per task.</summary>
    Adam,
}

/// <summary>Settings of <see cref="Reptile"/> (Nichol, Achiam and Schulman 2018).</summary>
public sealed record ReptileOptions : LearnerOptions
{
    /// <summary>The inner optimizer.</summary>
    public ReptileInnerOptimizer InnerOptimizer { get; init; } = ReptileInnerOptimizer.Sgd;

    /// <summary>Inner learning rate (the paper: 0.001 with Adam on Omniglot; 0.02 SGD on sinusoids).</summary>
    public double InnerLearningRate { get; init; } = 0.02;

    /// <summary>Second-moment decay of the inner Adam (beta1 is always 0).</summary>
    public double InnerAdamBeta2 { get; init; } = 0.999;

    /// <summary>Inner steps during meta-training (the paper: 5 on Omniglot, 32 on sinusoids).</summary>
    public int TrainInnerSteps { get; init; } = 5;

    /// <summary>Inner steps when adapting to a new task (the paper: 50 on Omniglot).</summary>
    public int TestInnerSteps { get; init; } = 10;

    /// <summary>
    /// Support rows per inner step (the paper: 10 on Omniglot, so 5 steps make one pass over 5-way 10-shot); 0, or a
    /// value at least the support size, uses the whole support set every step.
    /// </summary>
    public int InnerBatchSize { get; init; }

    /// <summary>The meta step size epsilon at the start (the paper: 1.0, annealed linearly to 0).</summary>
    public double MetaStepSize { get; init; } = 1.0;

    /// <summary>The meta step size after <see cref="AnnealSteps"/> updates; null keeps <see cref="MetaStepSize"/> constant.</summary>
    public double? FinalMetaStepSize { get; init; }

    /// <summary>Updates over which the meta step size is annealed linearly (the run's length in the paper); needed with <see cref="FinalMetaStepSize"/>.</summary>
    public int AnnealSteps { get; init; }

    /// <summary>The outer update of the paper: SGD on the mean pseudo-gradient with the (annealed) meta step size.</summary>
    public IGradientTransformation CreateOuterOptimizer()
        => Optimizers.Sgd(FinalMetaStepSize is { } final ? Schedule.Linear(MetaStepSize, final, AnnealSteps) : Schedule.Constant(MetaStepSize));

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        RequirePositive(nameof(InnerLearningRate), InnerLearningRate);
        RequireSteps(nameof(TrainInnerSteps), TrainInnerSteps);
        RequireSteps(nameof(TestInnerSteps), TestInnerSteps);
        RequirePositive(nameof(MetaStepSize), MetaStepSize);
        if (FinalMetaStepSize is { } final && (!(final >= 0) || double.IsInfinity(final) || AnnealSteps < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(FinalMetaStepSize),
                $"ReptileOptions: FinalMetaStepSize must be finite and >= 0 with AnnealSteps >= 1; got {final} over {AnnealSteps} steps.");
        }
        if (InnerBatchSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InnerBatchSize), $"ReptileOptions: InnerBatchSize must be >= 0 (0: the whole support set); got {InnerBatchSize}.");
        }
        if (!(InnerAdamBeta2 is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(InnerAdamBeta2), $"ReptileOptions: InnerAdamBeta2 must be in [0, 1); got {InnerAdamBeta2}.");
        }
    }
}

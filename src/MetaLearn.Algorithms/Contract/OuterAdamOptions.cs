using MetaLearn.Optim;

namespace MetaLearn.Algorithms;

/// <summary>
/// The outer optimizer of most learners: Adam on the mean meta-gradient (Finn et al. 2017 and Snell et al. 2017 use
/// 1e-3), with the learning rate optionally halved every <see cref="HalvingInterval"/> steps (Snell et al.: every
/// 2,000 episodes).
/// </summary>
public sealed record OuterAdamOptions
{
    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>Halve the learning rate every this many updates; 0 keeps it constant.</summary>
    public int HalvingInterval { get; init; }

    /// <summary>Throws, naming the setting, when a value is out of range.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), $"OuterAdamOptions: LearningRate must be finite and > 0; got {LearningRate}.");
        }
        if (HalvingInterval < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(HalvingInterval), $"OuterAdamOptions: HalvingInterval must be >= 0 (0: never); got {HalvingInterval}.");
        }
    }

    /// <summary>The optimizer these settings describe.</summary>
    public IGradientTransformation Create()
        => Optimizers.Adam(HalvingInterval > 0 ? Schedule.Step(LearningRate, HalvingInterval, 0.5) : Schedule.Constant(LearningRate));
}

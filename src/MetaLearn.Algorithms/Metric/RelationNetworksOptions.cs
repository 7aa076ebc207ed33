namespace MetaLearn.Algorithms;

/// <summary>Settings of <see cref="RelationNetworks"/> (Sung et al. 2018).</summary>
public sealed record RelationNetworksOptions : LearnerOptions
{
    /// <summary>Adam's learning rate for both networks (the paper's code: 1e-3).</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>Halve the learning rate every this many episodes (the paper's code: 100,000); 0 keeps it constant.</summary>
    public int HalvingInterval { get; init; } = 100_000;

    /// <summary>
    /// Clip each network's gradient to this global norm before Adam (the paper's code clips the feature encoder and the
    /// relation module separately to 0.5); 0 disables clipping.
    /// </summary>
    public double ClipNorm { get; init; } = 0.5;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        RequirePositive(nameof(LearningRate), LearningRate);
        if (HalvingInterval < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(HalvingInterval), $"RelationNetworksOptions: HalvingInterval must be >= 0 (0: never); got {HalvingInterval}.");
        }
        if (!(ClipNorm >= 0) || double.IsInfinity(ClipNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipNorm), $"RelationNetworksOptions: ClipNorm must be finite and >= 0 (0: no clipping); got {ClipNorm}.");
        }
    }
}

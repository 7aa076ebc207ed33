namespace MetaLearn.Algorithms;

/// <summary>How <see cref="ProtoNet"/> compares a query embedding with a prototype.</summary>
public enum PrototypeDistance
{
    /// <summary>Squared Euclidean distance, the paper's choice (Snell et al. 2017, section 2.4): logits = -||q - c||^2.</summary>
    SquaredEuclidean,

    /// <summary>Cosine similarity times <see cref="ProtoNetOptions.CosineScale"/>: logits = s * cos(q, c).</summary>
    Cosine,
}

/// <summary>Settings of <see cref="ProtoNet"/>.</summary>
public sealed record ProtoNetOptions : LearnerOptions
{
    /// <summary>The distance.</summary>
    public PrototypeDistance Distance { get; init; } = PrototypeDistance.SquaredEuclidean;

    /// <summary>
    /// Scale of cosine logits. Cosine similarities lie in [-1, 1], too flat for a softmax over few classes, so they are
    /// multiplied by a constant (the paper's cosine comparison does not state one; 10 is a common choice).
    /// </summary>
    public double CosineScale { get; init; } = 10;

    /// <summary>The outer optimizer (Adam 1e-3, halved every 2,000 episodes in the paper).</summary>
    public OuterAdamOptions Outer { get; init; } = new();

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        RequirePositive(nameof(CosineScale), CosineScale);
        ArgumentNullException.ThrowIfNull(Outer, nameof(Outer));
        Outer.Validate();
    }
}

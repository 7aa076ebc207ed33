namespace MetaLearn.Algorithms;

/// <summary>Settings of <see cref="MatchingNetworks"/> (Vinyals et al. 2016).</summary>
public sealed record MatchingNetworksOptions : LearnerOptions
{
    /// <summary>
    /// Full-context embeddings: the support embeddings read the whole support set through a bidirectional LSTM, and each
    /// query attends to them with an attention LSTM (the model must have <c>support_lstm</c> and <c>query_lstm</c>).
    /// </summary>
    public bool FullContextEmbeddings { get; init; }

    /// <summary>Processing steps K of the query's attention LSTM (full-context embeddings only).</summary>
    public int ProcessingSteps { get; init; } = 5;

    /// <summary>
    /// Multiplies the cosine similarities before the attention softmax. The paper uses the plain cosine (1); a larger
    /// scale makes the attention sharper.
    /// </summary>
    public double CosineScale { get; init; } = 1;

    /// <summary>The outer optimizer (Adam).</summary>
    public OuterAdamOptions Outer { get; init; } = new();

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        RequireSteps(nameof(ProcessingSteps), ProcessingSteps);
        RequirePositive(nameof(CosineScale), CosineScale);
        ArgumentNullException.ThrowIfNull(Outer, nameof(Outer));
        Outer.Validate();
    }
}

namespace MetaLearn.Tensors;

/// <summary>How a loss combines its per-element (or per-sample) terms, as PyTorch's <c>reduction=</c>.</summary>
public enum Reduction
{
    /// <summary>The mean of the terms (the default).</summary>
    Mean,

    /// <summary>The sum of the terms.</summary>
    Sum,

    /// <summary>The terms themselves, unreduced.</summary>
    None,
}

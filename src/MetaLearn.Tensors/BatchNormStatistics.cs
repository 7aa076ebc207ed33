namespace MetaLearn.Tensors;

/// <summary>
/// Running mean and variance of a batch-norm layer, updated (outside the graph) by every training-mode
/// call as <c>running = (1 - momentum) * running + momentum * batch</c>, with the unbiased batch variance, as PyTorch does.
/// </summary>
public sealed class BatchNormStatistics
{
    /// <summary>Starts at mean 0 and variance 1 for <paramref name="channels"/> channels.</summary>
    public BatchNormStatistics(int channels, DType dtype = DType.Float32, double momentum = 0.1)
    {
        if (momentum is < 0 or > 1 || double.IsNaN(momentum))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), $"BatchNormStatistics: momentum must be in [0, 1]; got {momentum}.");
        }
        Mean = Tensor.Zeros([channels], dtype);
        Variance = Tensor.Ones([channels], dtype);
        Momentum = momentum;
    }

    /// <summary>Running mean per channel.</summary>
    public Tensor Mean { get; set; }

    /// <summary>Running (unbiased) variance per channel.</summary>
    public Tensor Variance { get; set; }

    /// <summary>Weight of the newest batch in the running averages.</summary>
    public double Momentum { get; }

    /// <summary>Training-mode batches seen so far.</summary>
    public long BatchesTracked { get; set; }
}

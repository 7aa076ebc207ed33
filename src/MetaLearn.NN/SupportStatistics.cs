using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// The batch-norm statistics of one task's support set, so that predictions for its queries do not depend on which
/// other queries are predicted with them. A forward pass over the support set with
/// <see cref="ForwardContext.Statistics"/> set to a recording instance stores each batch-statistics layer's batch mean
/// and variance (per inner-loop step); after <see cref="Freeze"/>, forward passes with it normalise every input with
/// those stored statistics instead of their own batch's. This is the "support set only" alternative to the
/// transductive protocol of MAML's code, where a whole query batch is normalised by its own statistics.
/// </summary>
/// <remarks>One instance belongs to one adapted model; it is not shared between threads while recording.</remarks>
public sealed class SupportStatistics
{
    private readonly Dictionary<(BatchNorm2d Layer, int Step), BatchNormStatistics> _recorded = [];

    /// <summary>Whether recording has ended: forward passes now use the stored statistics.</summary>
    public bool Frozen { get; private set; }

    /// <summary>Layers (times steps) recorded.</summary>
    public int Count => _recorded.Count;

    /// <summary>Ends recording; returns this instance.</summary>
    public SupportStatistics Freeze()
    {
        Frozen = true;
        return this;
    }

    internal void Record(BatchNorm2d layer, int step, Tensor mean, Tensor variance)
    {
        if (Frozen)
        {
            throw new InvalidOperationException($"{layer.Label}: the support statistics are frozen; record them before predicting.");
        }
        _recorded[(layer, step)] = new BatchNormStatistics(mean.Shape[0], mean.DType) { Mean = mean.Detach(), Variance = variance.Detach() };
    }

    internal BatchNormStatistics Recorded(BatchNorm2d layer, int step)
        => _recorded.TryGetValue((layer, step), out BatchNormStatistics? s)
            ? s
            : throw new InvalidOperationException(
                $"{layer.Label}: no support statistics were recorded for inner step {step}; run the support set through the model with these statistics (not frozen) at the same step first.");
}

using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>What one meta-step measured and the meta-gradient it produced.</summary>
public sealed record MetaStepResult
{
    /// <summary>Mean query loss after adaptation over the meta-batch (cross-entropy or MSE).</summary>
    public required double Loss { get; init; }

    /// <summary>Mean query accuracy after adaptation (classification), else null.</summary>
    public double? Accuracy { get; init; }

    /// <summary>The query loss of each task, in batch order (to name the task when a loss is NaN).</summary>
    public required IReadOnlyList<double> TaskLosses { get; init; }

    /// <summary>The mean meta-gradient (or Reptile's pseudo-gradient), detached, named like <see cref="IMetaLearner.Parameters"/>.</summary>
    public required ParameterSet Gradient { get; init; }
}

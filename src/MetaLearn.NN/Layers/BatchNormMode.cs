namespace MetaLearn.NN;

/// <summary>Which statistics a <see cref="BatchNorm2d"/> normalises with. Always chosen explicitly, never implied.</summary>
public enum BatchNormMode
{
    /// <summary>
    /// Always the statistics of the current batch, in training and evaluation alike, and no running statistics:
    /// the transductive setting of the MAML papers (Finn et al. 2017) and learn2learn's backbones. Query examples
    /// of a task are normalised together, so predictions depend on the other queries in the batch.
    /// </summary>
    BatchStatistics,

    /// <summary>
    /// PyTorch's default: batch statistics in training mode (updating running averages), running averages in evaluation mode.
    /// </summary>
    RunningStatistics,

    /// <summary>
    /// MAML++ (Antoniou et al. 2019, "How to train your MAML", BNRS): like <see cref="RunningStatistics"/> but with a
    /// separate set of running statistics for each inner-loop step, selected by <see cref="ForwardContext.Step"/>.
    /// Weights and biases are shared across steps (MAML++'s per-step weights, BNWB, are not implemented).
    /// </summary>
    PerStepStatistics,
}

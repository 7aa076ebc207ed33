using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// The per-call settings of a forward pass, passed down to every layer: the mode, the inner-loop step
/// (for MAML++ per-step batch-norm statistics) and the random stream (for dropout). Carrying them in the
/// call instead of in the modules keeps modules free of per-task mutable state, so tasks running on
/// separate threads can share one module.
/// </summary>
public sealed record ForwardContext
{
    /// <summary>Training mode: dropout is active and batch-norm layers that track running statistics update them.</summary>
    public bool Training { get; init; } = true;

    /// <summary>The inner-loop step (0-based); selects the statistics of a <see cref="BatchNormMode.PerStepStatistics"/> layer.</summary>
    public int Step { get; init; }

    /// <summary>Random stream for stochastic layers; when null a <see cref="Dropout"/> layer uses the one it was built with.</summary>
    public Rng? Rng { get; init; }

    /// <summary>
    /// When set, batch-statistics layers record their batch statistics into it (while it is not frozen) or normalise with
    /// the recorded ones (once frozen): see <see cref="SupportStatistics"/>. Null: every batch is normalised by its own statistics.
    /// </summary>
    public SupportStatistics? Statistics { get; init; }

    /// <summary>Training mode, step 0.</summary>
    public static ForwardContext Train { get; } = new();

    /// <summary>Evaluation mode, step 0.</summary>
    public static ForwardContext Eval { get; } = new() { Training = false };
}

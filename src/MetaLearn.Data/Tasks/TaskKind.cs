namespace MetaLearn.Data;

/// <summary>What a task holds, and so which learners can train on it.</summary>
public enum TaskKind
{
    /// <summary>Support and query sets of labelled samples (N-way K-shot classification): <see cref="FewShotTask"/>.</summary>
    Classification,

    /// <summary>Support and query sets of (input, target) pairs: <see cref="FewShotTask"/>.</summary>
    Regression,

    /// <summary>Support and query sets of inputs only (an autoencoder's or a VAE's task): <see cref="UnlabeledTask"/>.</summary>
    Unlabeled,

    /// <summary>An environment the learner collects its own data in, with its current policy: <see cref="EnvironmentTask"/>.</summary>
    Environment,
}

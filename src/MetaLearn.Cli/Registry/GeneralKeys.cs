namespace MetaLearn.Cli.Registry;

/// <summary>The keys every run has, outside any namespace: the trainer's and the episode shape's.</summary>
internal static class GeneralKeys
{
    /// <summary>The learner and the task family (values: registered names), and the preset a configuration started from.</summary>
    public static readonly IReadOnlyList<ConfigKey> Selection =
    [
        ConfigKey.Text("preset", "", "the preset this configuration started from"),
        ConfigKey.Text("learner", "maml", "the meta-learner (metalearn learners lists them)"),
        ConfigKey.Text("task", "sinusoid", "the task distribution (metalearn learners lists them)"),
    ];

    /// <summary>The trainer's keys.</summary>
    public static readonly IReadOnlyList<ConfigKey> Trainer =
    [
        ConfigKey.Integer("steps", 1000, "meta-steps (outer updates)", minimum: 1),
        ConfigKey.Integer("meta_batch", 32, "tasks per meta-step", minimum: 1),
        ConfigKey.Integer("seed", 1, "seed of the initialisation, the task stream and every random draw of a step", minimum: 0),
        ConfigKey.Integer("validation_interval", 500, "validate every this many steps (0: never)", minimum: 0),
        ConfigKey.Integer("validation_episodes", 100, "episodes per validation", minimum: 1),
        ConfigKey.Integer("checkpoint_interval", 500, "save last.safetensors every this many steps (0: only at the end)", minimum: 0),
        ConfigKey.Integer("test_episodes", 1000, "episodes of the final test written to final_eval.json (0: skip)", minimum: 0),
        ConfigKey.Text("best_metric", "", "the validation metric that picks best.safetensors (empty: the learner's primary metric, e.g. accuracy or mse)"),
        ConfigKey.Choice("batch_norm_at_test", "support",
            "how validation and test normalise queries: support (with the support set's statistics, so each answer depends on its query alone), " +
            "transductive (each query set as one batch, MAML's published protocol) or running (running statistics)",
            "support", "transductive", "running"),
    ];

    /// <summary>The <see cref="MetaLearn.Algorithms.BatchNormAtTest"/> a <c>batch_norm_at_test</c> value names.</summary>
    public static MetaLearn.Algorithms.BatchNormAtTest BatchNorm(string value) => value switch
    {
        "transductive" => MetaLearn.Algorithms.BatchNormAtTest.Transductive,
        "running" => MetaLearn.Algorithms.BatchNormAtTest.RunningStatistics,
        _ => MetaLearn.Algorithms.BatchNormAtTest.SupportStatistics,
    };

    /// <summary>The episode shape; a task family says which of these it reads.</summary>
    public static readonly IReadOnlyList<ConfigKey> Episode =
    [
        ConfigKey.Integer("ways", 5, "classes per validation and test task", minimum: 2),
        ConfigKey.Integer("shots", 1, "support examples per class at validation and test (regression: support points)", minimum: 1),
        ConfigKey.Integer("queries", 15, "query examples per class at validation and test (regression: query points)", minimum: 1),
        ConfigKey.Integer("train_ways", 5, "classes per training task", minimum: 2),
        ConfigKey.Integer("train_shots", 1, "support examples per class while training (regression: support points)", minimum: 1),
        ConfigKey.Integer("train_queries", 15, "query examples per class while training (regression: query points)", minimum: 1),
    ];

    /// <summary>Keys renamed since earlier versions, with what to use instead.</summary>
    public static readonly IReadOnlyDictionary<string, string> Renamed = new Dictionary<string, string>
    {
        ["algorithm"] = "it is now 'learner'",
        ["test_queries"] = "it is now 'queries' (validation and test queries); training queries are 'train_queries'",
    };

    /// <summary>The shared keys a learner registers under its own namespace: the outer Adam.</summary>
    public static IReadOnlyList<ConfigKey> OuterAdam(double learningRate = 0.001) =>
    [
        ConfigKey.Number("outer_lr", learningRate, "Adam learning rate of the outer loop", minimum: 0, exclusive: true),
        ConfigKey.Integer("lr_halve_every", 0, "halve the outer learning rate every this many steps (0: never)", minimum: 0),
    ];

    /// <summary>The shared model-size key a learner registers under its own namespace.</summary>
    public static ConfigKey Hidden(int @default) => ConfigKey.Integer("hidden", @default, "channels (convnet) or units (MLP) per hidden layer", minimum: 1);

    /// <summary>The number of hidden layers of the regression MLP; 0 makes the model linear.</summary>
    public static ConfigKey HiddenLayers() => ConfigKey.Integer("hidden_layers", 2, "hidden layers of the regression MLP (0: the linear model Linear(inputs, outputs)); image tasks use the convnet", minimum: 0);
}

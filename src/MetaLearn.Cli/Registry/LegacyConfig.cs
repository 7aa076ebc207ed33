namespace MetaLearn.Cli.Registry;

/// <summary>
/// Reads the config.json of run directories written before learner namespaces (keys such as <c>algorithm</c>,
/// <c>inner_lr</c>, <c>test_queries</c>), so their checkpoints still evaluate, classify and report.
/// </summary>
internal static class LegacyConfig
{
    public static List<ConfigEntry> Translate(IReadOnlyList<ConfigEntry> old)
    {
        var values = old.ToDictionary(e => e.Key, e => e.Value);
        string source = old.Count > 0 ? old[0].Source + " (written by an earlier version)" : "config";
        string algorithm = values["algorithm"];
        string learner = algorithm == "fomaml" ? "maml" : algorithm;
        var entries = new List<ConfigEntry> { new("learner", learner, source) };
        void Copy(string from, string to)
        {
            if (values.TryGetValue(from, out string? v))
            {
                entries.Add(new ConfigEntry(to, v, source));
            }
        }
        Copy("preset", "preset");
        Copy("task", "task");
        foreach (string key in new[] { "steps", "meta_batch", "seed", "validation_interval", "validation_episodes", "checkpoint_interval", "test_episodes" })
        {
            Copy(key, key);
        }
        bool omniglot = values.GetValueOrDefault("task") == "omniglot";
        if (omniglot)
        {
            Copy("ways", "ways");
            Copy("train_ways", "train_ways");
            Copy("data", "omniglot.data");
            Copy("split", "omniglot.split");
        }
        Copy("shots", "shots");
        Copy("train_shots", "train_shots");
        Copy("queries", "train_queries");
        Copy("test_queries", "queries");
        Copy("hidden", $"{learner}.hidden");
        if (learner == "reptile")
        {
            foreach (string key in new[] { "inner_optimizer", "inner_lr", "inner_steps", "test_inner_steps", "inner_batch", "meta_step", "meta_step_final" })
            {
                Copy(key, $"reptile.{key}");
            }
        }
        else
        {
            Copy("outer_lr", $"{learner}.outer_lr");
            Copy("lr_halve_every", $"{learner}.lr_halve_every");
            if (learner != "protonet")
            {
                Copy("inner_lr", $"{learner}.inner_lr");
                Copy("inner_steps", $"{learner}.inner_steps");
                Copy("test_inner_steps", $"{learner}.test_inner_steps");
                entries.Add(new ConfigEntry($"{learner}.first_order", algorithm == "fomaml" ? "true" : "false", source));
            }
        }
        return entries;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MetaLearn.Algorithms;
using MetaLearn.Cli.Registry;
using MetaLearn.Cli.Training;
using MetaLearn.Data;

namespace MetaLearn.Cli.Commands;

/// <summary><c>metalearn eval --checkpoint FILE</c>: every metric's mean and 95% confidence interval over test episodes.</summary>
internal static class EvalCommand
{
    /// <summary>Seed of the test episodes (fixed, so evaluations of different checkpoints see the same tasks).</summary>
    public const ulong TestSeed = 2024;

    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { HelpName = "file", Description = "A checkpoint in a run directory (its config.json says how to rebuild the learner and tasks).", Required = true };
        var episodes = CliOptions.WholeNumber("--episodes", "n", "Test episodes.", min: 1, defaultValue: 1000);
        var ways = CliOptions.OptionalWholeNumber("--ways", "n", "Classes per test task (default: the run's; learners with a fixed head need the trained ways).", min: 2);
        var shots = CliOptions.OptionalWholeNumber("--shots", "n", "Support examples per class (regression: support points; default: the run's).", min: 1);
        var format = CliOptions.Choice("--format", "Output format.", OutputFormat.Table);
        var batchNorm = new Option<string?>("--batch-norm")
        {
            HelpName = "support|transductive|running",
            Description = "How queries are normalised (default: the run's batch_norm_at_test): support (the support set's statistics; each answer depends on its query alone), transductive (each query set as one batch, MAML's published protocol), running.",
        };
        batchNorm.AcceptOnlyFromAmong("support", "transductive", "running");
        var command = new Command("eval", "Evaluate a checkpoint on test tasks: mean and 95% confidence interval of every metric.") { checkpoint, episodes, ways, shots, format, batchNorm };
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            try
            {
                string path = parse.GetValue(checkpoint)!;
                int n = parse.GetValue(episodes);
                if (n < 1)
                {
                    throw new UsageException($"--episodes must be >= 1; got {n}.");
                }
                RunConfig config = RunSetup.ConfigBeside(path);
                int? w = parse.GetValue(ways), k = parse.GetValue(shots);
                if (w is < 2 || k is < 1)
                {
                    throw new UsageException($"--ways must be >= 2 and --shots >= 1; got ways={w}, shots={k}.");
                }
                if (w is not null && config.Task.Kind != TaskKind.Classification)
                {
                    throw new UsageException($"--ways: this checkpoint was trained on {config.Task.Name} regression tasks, which have no ways.");
                }
                if (w is { } requested && config.Learner.FixedWays && requested != config.Int("ways"))
                {
                    throw new UsageException(
                        $"--ways {requested}: this {config.Learner.Name} checkpoint has a {config.Int("ways")}-way head; " +
                        $"learners without a fixed head ({string.Join(", ", Registrations.Learners.Where(l => !l.FixedWays).Select(l => l.Name))}) evaluate with other ways.");
                }
                using RunSetup setup = RunSetup.Create(config, new TestOverride(w, k));
                LearnerState state = RunSetup.LoadCheckpoint(setup.Learner, path);
                bool live = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
                EvaluationResult result = Evaluator.Evaluate(setup.Learner, state, setup.Tasks.Test, new EvaluatorOptions
                {
                    Episodes = n,
                    Seed = TestSeed,
                    BatchNorm = GeneralKeys.BatchNorm(parse.GetValue(batchNorm) ?? config["batch_norm_at_test"]),
                    Progress = new EpisodeProgressWriter(error, "eval", n, live),
                });
                if (format.ValueIn(parse) == OutputFormat.Json)
                {
                    output.WriteLine(ToJson(result, config, w, k).ToJsonString());
                }
                else
                {
                    int usedShots = k ?? config.Int("shots");
                    string setting = config.Task.Kind == TaskKind.Classification ? $"{w ?? config.Int("ways")}-way {usedShots}-shot" : $"K={usedShots}";
                    string others = string.Join("; ", result.Metrics.Where(m => m.Spec.Name != result.Metric).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Spec.Name} {m.Mean:F4} ± {m.Ci95:F4}")));
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{result.Algorithm} {config.Task.Name} {setting}: {result.Metric} {result.Mean:F4} ± {result.Ci95:F4} (95% CI, {result.Episodes} episodes, batch norm: {result.BatchNorm.Describe()}){(others.Length > 0 ? $"; {others}" : "")}"));
                }
                return 0;
            }
            catch (UsageException e)
            {
                error.WriteLine($"eval: {e.Message}");
                return 2;
            }
            catch (ArgumentException e)
            {
                // A setting the learner or task sampler refuses (e.g. more ways than the split has classes).
                error.WriteLine($"eval: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                error.WriteLine($"eval: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>
    /// <c>{"metric", "mean", "ci95", "episodes", ...}</c>: the headline metric first (the fields scripts rely on), then the
    /// setting, then every metric under <c>metrics</c>.
    /// </summary>
    public static JsonObject ToJson(EvaluationResult result, RunConfig config, int? ways, int? shots)
    {
        var json = new JsonObject
        {
            ["metric"] = result.Metric,
            ["mean"] = MetaTrainer.JsonNumber(result.Mean),
            ["ci95"] = MetaTrainer.JsonNumber(result.Ci95),
            ["episodes"] = result.Episodes,
            ["algorithm"] = result.Algorithm,
            ["task"] = config.Task.Name,
            ["shots"] = shots ?? config.Int("shots"),
            ["seed"] = result.Seed,
            ["batch_norm"] = result.BatchNorm.ToString(),
        };
        if (config.Task.Kind == TaskKind.Classification)
        {
            json["ways"] = ways ?? config.Int("ways");
        }
        var all = new JsonObject();
        foreach (MetricSummary m in result.Metrics)
        {
            all[m.Spec.Name] = new JsonObject { ["mean"] = MetaTrainer.JsonNumber(m.Mean), ["ci95"] = MetaTrainer.JsonNumber(m.Ci95) };
        }
        json["metrics"] = all;
        return json;
    }
}

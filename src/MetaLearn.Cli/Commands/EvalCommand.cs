using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MetaLearn.Algorithms;
using MetaLearn.Cli.Training;

namespace MetaLearn.Cli.Commands;

/// <summary><c>metalearn eval --checkpoint FILE</c>: mean and 95% confidence interval over test episodes.</summary>
internal static class EvalCommand
{
    /// <summary>Seed of the test episodes (fixed, so evaluations of different checkpoints see the same tasks).</summary>
    public const ulong TestSeed = 2024;

    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { HelpName = "file", Description = "A checkpoint in a run directory (its config.json says how to rebuild the learner and tasks).", Required = true };
        var episodes = new Option<int>("--episodes") { HelpName = "n", Description = "Test episodes.", DefaultValueFactory = _ => 1000 };
        var ways = new Option<int?>("--ways") { HelpName = "n", Description = "Classes per test task (default: the run's; MAML-family heads need the trained ways)." };
        var shots = new Option<int?>("--shots") { HelpName = "n", Description = "Support examples per class (regression: support points; default: the run's)." };
        var format = new Option<OutputFormat>("--format") { Description = "Output format.", DefaultValueFactory = _ => OutputFormat.Table };
        var command = new Command("eval", "Evaluate a checkpoint on test tasks: mean and 95% confidence interval.") { checkpoint, episodes, ways, shots, format };
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
                TrainConfig config = RunSetup.ConfigBeside(path);
                int? w = parse.GetValue(ways), k = parse.GetValue(shots);
                if (w is < 2 || k is < 1)
                {
                    throw new UsageException($"--ways must be >= 2 and --shots >= 1; got ways={w}, shots={k}.");
                }
                if (w is { } requested && config.IsClassification && config["algorithm"] != "protonet" && requested != config.Int("ways"))
                {
                    throw new UsageException($"--ways {requested}: this {config["algorithm"]} checkpoint has a {config.Int("ways")}-way head; only protonet checkpoints evaluate with other ways.");
                }
                using RunSetup setup = RunSetup.Create(config, w, k);
                RunSetup.LoadCheckpoint(setup.Learner, path);
                EvaluationResult result = Evaluator.Evaluate(setup.Learner, setup.Test, new EvaluatorOptions
                {
                    Episodes = n, Seed = TestSeed, BatchNorm = BatchNormAtTest.BatchStatistics,
                });
                int usedWays = w ?? config.Int("ways"), usedShots = k ?? config.Int("shots");
                if (parse.GetValue(format) == OutputFormat.Json)
                {
                    output.WriteLine(ToJson(result, usedWays, usedShots, config.IsClassification).ToJsonString());
                }
                else
                {
                    string setting = config.IsClassification ? $"{usedWays}-way {usedShots}-shot" : $"K={usedShots}";
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{result.Algorithm} {config["task"]} {setting}: {result.Metric} {result.Mean:F4} ± {result.Ci95:F4} (95% CI, {result.Episodes} episodes)"));
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

    /// <summary><c>{"metric", "mean", "ci95", "episodes", ...}</c>: the fields scripts rely on first, then the setting.</summary>
    public static JsonObject ToJson(EvaluationResult result, int ways, int shots, bool classification)
    {
        var json = new JsonObject
        {
            ["metric"] = result.Metric,
            ["mean"] = result.Mean,
            ["ci95"] = result.Ci95,
            ["episodes"] = result.Episodes,
            ["algorithm"] = result.Algorithm,
            ["shots"] = shots,
            ["seed"] = result.Seed,
        };
        if (classification)
        {
            json["ways"] = ways;
        }
        return json;
    }
}

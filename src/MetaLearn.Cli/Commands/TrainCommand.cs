using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MetaLearn.Algorithms;
using MetaLearn.Cli.Training;
using MetaLearn.NN;

namespace MetaLearn.Cli.Commands;

/// <summary>
/// <c>metalearn train</c>: a learner on a task distribution from a preset, a JSON config and <c>--set</c> overrides,
/// into a run directory (config.json, metrics.jsonl, last/best checkpoints, train.log, final_eval.json).
/// </summary>
internal static class TrainCommand
{
    /// <summary>File name of the final test evaluation inside a run directory.</summary>
    public const string FinalEvalFile = "final_eval.json";

    /// <summary>File name of the run's log.</summary>
    public const string LogFile = "train.log";

    /// <summary>Exit code after Ctrl-C (128 + SIGINT, as shells report it); the checkpoint has been written.</summary>
    public const int InterruptedExitCode = 130;

    /// <param name="interrupt">
    /// Stops training as Ctrl-C would (tests pass their own); when null the command listens to Ctrl-C itself.
    /// </param>
    public static Command Create(CancellationToken? interrupt = null)
    {
        var preset = new Option<string?>("--preset") { HelpName = "name", Description = $"Start from a preset (default {TrainConfig.DefaultPreset}): {string.Join(", ", TrainConfig.Presets.Keys)}." };
        var config = new Option<string?>("--config") { HelpName = "file", Description = "A JSON or YAML (.yaml, .yml) file of key: value pairs (the keys of --set; \"preset\" picks the base)." };
        var set = new Option<string[]>("--set") { HelpName = "key=value", Description = "Override a config key (repeatable), e.g. --set inner_lr=0.4 --set split=lake.", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string?>("--out") { HelpName = "dir", Description = "Run directory (default runs/PRESET-TIMESTAMP)." };
        var steps = new Option<int?>("--steps") { HelpName = "n", Description = "Meta-steps (the same as --set steps=N)." };
        var seed = new Option<long?>("--seed") { HelpName = "n", Description = "Seed (the same as --set seed=N)." };
        var resume = new Option<string?>("--resume") { HelpName = "dir", Description = "Continue the run in this directory from its last checkpoint (only --steps and --time-limit may change)." };
        var timeLimit = new Option<string?>("--time-limit")
        {
            HelpName = "duration",
            Description = "Stop training after this much wall-clock time (e.g. 90s, 45m, 2h), checkpoint, and run the final test as if the steps were done.",
        };
        var command = new Command("train", "Meta-train a learner on a task distribution; with no options, MAML on sinusoids (no download, about a minute).")
        {
            preset, config, set, output, steps, seed, resume, timeLimit,
        };
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output, stderr = parse.InvocationConfiguration.Error;
            try
            {
                string? resumeDir = parse.GetValue(resume);
                string[] sets = parse.GetValue(set) ?? [];
                TrainConfig resolved;
                string runDir;
                if (resumeDir is not null)
                {
                    if (parse.GetValue(preset) is not null || parse.GetValue(config) is not null || sets.Length > 0 || parse.GetValue(seed) is not null || parse.GetValue(output) is not null)
                    {
                        throw new UsageException("--resume continues a run exactly as it was configured; only --steps and --time-limit may be given with it.");
                    }
                    string configPath = Path.Combine(resumeDir, TrainConfig.FileName);
                    if (!File.Exists(configPath))
                    {
                        throw new UsageException($"--resume {resumeDir}: no {TrainConfig.FileName} there; give a run directory written by metalearn train.");
                    }
                    resolved = TrainConfig.Load(configPath);
                    runDir = resumeDir;
                }
                else
                {
                    Dictionary<string, string>? fromFile = parse.GetValue(config) is { } file ? TrainConfig.ReadObject(file) : null;
                    string presetName = parse.GetValue(preset) ?? (fromFile?.GetValueOrDefault("preset") is { Length: > 0 } p ? p : TrainConfig.DefaultPreset);
                    resolved = TrainConfig.FromPreset(presetName);
                    foreach ((string key, string value) in fromFile ?? [])
                    {
                        if (key != "preset")
                        {
                            resolved.Set(key, value);
                        }
                    }
                    foreach (string pair in sets)
                    {
                        resolved.SetPair(pair);
                    }
                    if (parse.GetValue(seed) is { } s)
                    {
                        resolved.Set("seed", s.ToString(CultureInfo.InvariantCulture));
                    }
                    runDir = parse.GetValue(output) ?? Path.Combine("runs", $"{presetName}-{DateTime.Now:yyyyMMdd-HHmmss}");
                    if (File.Exists(Path.Combine(runDir, MetaTrainer.LastCheckpoint)))
                    {
                        throw new UsageException($"'{runDir}' already holds a run; continue it with --resume {runDir}, or choose another --out.");
                    }
                }
                if (parse.GetValue(steps) is { } n)
                {
                    resolved.Set("steps", n.ToString(CultureInfo.InvariantCulture));
                }
                TimeSpan? limit = parse.GetValue(timeLimit) is { } text ? ParseDuration(text) : null;
                return Train(resolved, runDir, resumeDir is not null, limit, stdout, stderr, interrupt);
            }
            catch (UsageException e)
            {
                stderr.WriteLine($"train: {e.Message}");
                return 2;
            }
            catch (ArgumentException e)
            {
                // A setting the learner or task sampler refuses (e.g. more ways than the split has classes).
                stderr.WriteLine($"train: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"train: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>A duration such as <c>90s</c>, <c>45m</c>, <c>2h</c> or <c>1.5h</c>.</summary>
    internal static TimeSpan ParseDuration(string text)
    {
        string t = text.Trim();
        double factor = t.EndsWith('h') ? 3600 : t.EndsWith('m') ? 60 : t.EndsWith('s') ? 1 : double.NaN;
        if (double.IsNaN(factor) || !double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double amount) || !(amount > 0))
        {
            throw new UsageException($"--time-limit '{text}' is not a duration; give a positive number with s, m or h, e.g. 90s, 45m or 2h.");
        }
        return TimeSpan.FromSeconds(amount * factor);
    }

    private static int Train(TrainConfig config, string runDir, bool resume, TimeSpan? timeLimit, TextWriter stdout, TextWriter stderr, CancellationToken? interrupt)
    {
        using RunSetup setup = RunSetup.Create(config);
        Directory.CreateDirectory(runDir);
        config.Save(runDir);
        using var log = new StreamWriter(Path.Combine(runDir, LogFile), append: true);
        log.WriteLine($"# {DateTime.Now:O} {(resume ? "resume" : "train")} {config["preset"]}: {setup.Learner.Algorithm} on {setup.Model.Architecture}");

        using var ctrlC = new CancellationTokenSource();
        ConsoleCancelEventHandler? handler = null;
        if (interrupt is null)
        {
            // Ctrl-C asks the trainer to stop after the current meta-step; it then writes last.safetensors (atomically).
            handler = (_, e) =>
            {
                e.Cancel = true;
                ctrlC.Cancel();
            };
            Console.CancelKeyPress += handler;
        }
        CancellationToken token = interrupt ?? ctrlC.Token;
        bool live = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected; // a terminal: redraw the progress line in place
        try
        {
            string lastPath = Path.Combine(runDir, MetaTrainer.LastCheckpoint);
            long resumedFrom = resume && File.Exists(lastPath) ? Checkpoint.Load(lastPath).Metadata.Step : 0;
            var trainer = new MetaTrainer(setup.Learner, setup.Train, config.Int("validation_interval") > 0 ? setup.Validation : null, setup.OuterOptimizer(),
                new MetaTrainerOptions
                {
                    Steps = config.Int("steps"),
                    MetaBatchSize = config.Int("meta_batch"),
                    Seed = config.ULong("seed"),
                    ValidationInterval = config.Int("validation_interval"),
                    ValidationEpisodes = config.Int("validation_episodes"),
                    CheckpointInterval = config.Int("checkpoint_interval"),
                    OutputDirectory = runDir,
                    Resume = resume,
                    TimeLimit = timeLimit,
                },
                new TrainingProgressWriter(stderr, log, TimeSpan.FromSeconds(2), resumedFrom, live));
            stderr.WriteLine($"training {setup.Learner.Algorithm} on {config["task"]} ({setup.Model.Architecture}), {config["steps"]} steps, into {runDir}" +
                (resume ? $" (resuming from step {resumedFrom})" : ""));
            TrainingSummary summary = trainer.Run(cancellationToken: token);
            string last = Path.Combine(runDir, MetaTrainer.LastCheckpoint);
            bool outOfTime = !summary.Completed && !token.IsCancellationRequested;
            if (outOfTime)
            {
                string message = $"stopped at the time limit ({timeLimit}) after step {summary.Step}; checkpoint {last}. Continue with: metalearn train --resume {runDir}";
                stderr.WriteLine(live ? "\n" + message : message);
                log.WriteLine(message);
            }
            else if (!summary.Completed)
            {
                string message = $"interrupted at step {summary.Step}; checkpoint {last}. Continue with: metalearn train --resume {runDir}";
                stderr.WriteLine(live ? "\n" + message : message);
                log.WriteLine(message);
                return InterruptedExitCode;
            }
            stdout.WriteLine($"trained {summary.Step} steps in {summary.Elapsed.TotalSeconds:F1}s; run directory {runDir}");
            if (summary.BestMetric is { } best)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best validation {best:F4} at step {summary.BestStep}"));
            }
            if (config.Int("test_episodes") > 0)
            {
                FinalEvaluation(setup, runDir, stdout, log);
            }
            return 0;
        }
        catch (TrainingDivergedException e)
        {
            stderr.WriteLine($"train: {e.Message}");
            log.WriteLine(e.Message);
            return 1;
        }
        finally
        {
            if (handler is not null)
            {
                Console.CancelKeyPress -= handler;
            }
        }
    }

    /// <summary>Tests the best checkpoint (else the last) on the test tasks and writes final_eval.json.</summary>
    private static void FinalEvaluation(RunSetup setup, string runDir, TextWriter stdout, TextWriter log)
    {
        string checkpoint = Path.Combine(runDir, File.Exists(Path.Combine(runDir, MetaTrainer.BestCheckpoint)) ? MetaTrainer.BestCheckpoint : MetaTrainer.LastCheckpoint);
        RunSetup.LoadCheckpoint(setup.Learner, checkpoint);
        EvaluationResult result = Evaluator.Evaluate(setup.Learner, setup.Test, new EvaluatorOptions
        {
            Episodes = setup.Config.Int("test_episodes"), Seed = EvalCommand.TestSeed, BatchNorm = BatchNormAtTest.BatchStatistics,
        });
        JsonObject json = EvalCommand.ToJson(result, setup.Config.Int("ways"), setup.Config.Int("shots"), setup.Config.IsClassification);
        json["checkpoint"] = Path.GetFileName(checkpoint);
        File.WriteAllText(Path.Combine(runDir, FinalEvalFile), json.ToJsonString() + "\n");
        string line = $"test ({Path.GetFileName(checkpoint)}): {result}";
        stdout.WriteLine(line);
        log.WriteLine(line);
    }
}

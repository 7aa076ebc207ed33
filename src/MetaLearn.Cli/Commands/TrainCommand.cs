using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using MetaLearn.Algorithms;
using MetaLearn.Cli.Registry;
using MetaLearn.Cli.Training;
using MetaLearn.NN;

namespace MetaLearn.Cli.Commands;

/// <summary>
/// <c>metalearn train</c>: a learner on a task distribution from a preset, a JSON/YAML config and <c>--set</c> overrides,
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

    /// <summary>Exit code after SIGTERM (128 + 15: docker stop, systemd, Slurm); the checkpoint has been written.</summary>
    public const int TerminatedExitCode = 143;

    /// <param name="interrupt">
    /// Stops training as Ctrl-C would (tests pass their own); when null the command listens to Ctrl-C and SIGTERM itself.
    /// </param>
    public static Command Create(CancellationToken? interrupt = null)
    {
        var preset = new Option<string?>("--preset") { HelpName = "name", Description = $"Start from a preset (default {Presets.Default}); `metalearn learners` lists them." };
        var config = new Option<string?>("--config") { HelpName = "file", Description = "A JSON or YAML (.yaml, .yml) file of key: value pairs (the keys of --set; \"preset\" picks the base)." };
        var set = new Option<string[]>("--set") { HelpName = "key=value", Description = "Override a config key (repeatable), e.g. --set inner_lr=0.4 --set split=lake; `metalearn learners NAME` lists the keys.", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string?>("--out") { HelpName = "dir", Description = "Run directory (default runs/PRESET-TIMESTAMP)." };
        var steps = new Option<string?>("--steps") { HelpName = "n", Description = "Meta-steps (the same as --set steps=N)." };
        var seed = new Option<string?>("--seed") { HelpName = "n", Description = "Seed (the same as --set seed=N)." };
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
                var flags = new List<ConfigEntry>();
                if (parse.GetValue(steps) is { } n)
                {
                    flags.Add(new ConfigEntry("steps", n, "--steps"));
                }
                RunConfig resolved;
                string runDir;
                if (resumeDir is not null)
                {
                    if (parse.GetValue(preset) is not null || parse.GetValue(config) is not null || sets.Length > 0 || parse.GetValue(seed) is not null || parse.GetValue(output) is not null)
                    {
                        throw new UsageException("--resume continues a run exactly as it was configured; only --steps and --time-limit may be given with it.");
                    }
                    string configPath = Path.Combine(resumeDir, RunConfig.FileName);
                    if (!File.Exists(configPath))
                    {
                        throw new UsageException($"--resume {resumeDir}: no {RunConfig.FileName} there; give a run directory written by metalearn train.");
                    }
                    resolved = RunConfig.Load(configPath).With(flags);
                    runDir = resumeDir;
                }
                else
                {
                    List<ConfigEntry> fromFile = parse.GetValue(config) is { } file ? RunConfig.ReadFile(file) : [];
                    string presetName = parse.GetValue(preset) ?? (fromFile.LastOrDefault(e => e.Key == "preset")?.Value is { Length: > 0 } p ? p : Presets.Default);
                    var entries = new List<ConfigEntry>(Presets.Entries(presetName));
                    entries.AddRange(fromFile.Where(e => e.Key != "preset"));
                    entries.AddRange(sets.Select(SetEntry));
                    if (parse.GetValue(seed) is { } s)
                    {
                        entries.Add(new ConfigEntry("seed", s, "--seed"));
                    }
                    entries.AddRange(flags);
                    resolved = RunConfig.Resolve(entries);
                    runDir = parse.GetValue(output) ?? Path.Combine("runs", $"{presetName}-{DateTime.Now:yyyyMMdd-HHmmss}");
                    if (File.Exists(Path.Combine(runDir, MetaTrainer.LastCheckpoint)))
                    {
                        throw new UsageException($"'{runDir}' already holds a run; continue it with --resume {runDir}, or choose another --out.");
                    }
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

    /// <summary>A <c>--set key=value</c> pair as an assignment.</summary>
    internal static ConfigEntry SetEntry(string pair)
    {
        int eq = pair.IndexOf('=');
        if (eq <= 0)
        {
            throw new UsageException($"--set expects key=value; got '{pair}'.");
        }
        return new ConfigEntry(pair[..eq].Trim(), pair[(eq + 1)..].Trim(), $"--set {pair}");
    }

    /// <summary>A duration such as <c>90s</c>, <c>45m</c>, <c>2h</c> or <c>1.5h</c>.</summary>
    internal static TimeSpan ParseDuration(string text)
    {
        string t = text.Trim();
        double factor = t.EndsWith('h') ? 3600 : t.EndsWith('m') ? 60 : t.EndsWith('s') ? 1 : double.NaN;
        if (double.IsNaN(factor) || !double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double amount) || !(amount > 0)
            || amount * factor > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            throw new UsageException($"--time-limit '{text}' is not a duration; give a positive number with s, m or h, e.g. 90s, 45m or 2h.");
        }
        return TimeSpan.FromSeconds(amount * factor);
    }

    private static int Train(RunConfig config, string runDir, bool resume, TimeSpan? timeLimit, TextWriter stdout, TextWriter stderr, CancellationToken? interrupt)
    {
        using RunSetup setup = RunSetup.Create(config);
        string lastPath = Path.Combine(runDir, MetaTrainer.LastCheckpoint);
        long resumedFrom = resume && File.Exists(lastPath) ? ReadStep(lastPath) : 0;
        if (resume && config.Int("steps") <= resumedFrom)
        {
            throw new UsageException(
                $"--resume {runDir}: the run is already at step {resumedFrom}, so steps = {config.Int("steps")} leaves nothing to do; give --steps greater than {resumedFrom} to continue it.");
        }
        // The trainer checks its settings and a task of each source against the learner before the run directory exists,
        // so a refused setting leaves nothing behind.
        var relay = new ProgressRelay();
        var trainer = new MetaTrainer(setup.Learner, setup.Tasks.Train, config.Int("validation_interval") > 0 ? setup.Tasks.Validation : null,
            new MetaTrainerOptions
            {
                Steps = config.Int("steps"),
                MetaBatchSize = config.Int("meta_batch"),
                Seed = config.ULong("seed"),
                ValidationInterval = config.Int("validation_interval"),
                ValidationEpisodes = config.Int("validation_episodes"),
                CheckpointInterval = config.Int("checkpoint_interval"),
                BestMetric = config["best_metric"] is { Length: > 0 } best ? best : null,
                ValidationBatchNorm = GeneralKeys.BatchNorm(config["batch_norm_at_test"]),
                OutputDirectory = runDir,
                Resume = resume,
                TimeLimit = timeLimit,
            },
            relay);
        CreateRunDirectory(runDir);
        config.Save(runDir);
        using var log = new RunLog(Path.Combine(runDir, LogFile));
        log.WriteLine($"# {DateTime.Now:O} {(resume ? "resume" : "train")} {config.Preset}: {setup.Learner.Name} on {LearnerCheckpoint.Architecture(setup.Learner.Model)}");

        using var stop = new CancellationTokenSource();
        var signal = new StopSignal();
        using IDisposable listening = interrupt is null ? signal.Listen(stop) : new NoSignal();
        CancellationToken token = interrupt ?? stop.Token;
        bool live = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected; // a terminal: redraw the progress line in place
        relay.Target = new TrainingProgressWriter(stderr, log, TimeSpan.FromSeconds(2), resumedFrom, live);
        stderr.WriteLine($"training {setup.Learner.Name} on {config.Task.Name} ({LearnerCheckpoint.Architecture(setup.Learner.Model)}), {config["steps"]} steps, into {runDir}" +
            (resume ? $" (resuming from step {resumedFrom})" : ""));
        TrainingSummary summary;
        try
        {
            summary = trainer.Run(cancellationToken: token);
        }
        catch (TrainingDivergedException e)
        {
            stderr.WriteLine(live ? "\n" + $"train: {e.Message}" : $"train: {e.Message}");
            log.WriteLine(e.Message);
            return 1;
        }
        catch (IOException e)
        {
            // A full disk or a vanished directory mid-run: checkpoints are written atomically, so the last one is whole.
            string message = WriteFailure(runDir, e, File.Exists(lastPath) ? ReadStep(lastPath) : null);
            stderr.WriteLine(live ? "\n" + $"train: {message}" : $"train: {message}");
            log.WriteLine(message);
            return 1;
        }
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
            string how = signal.Terminated ? "terminated (SIGTERM)" : "interrupted";
            string message = $"{how} at step {summary.Step}; checkpoint {last}. Continue with: metalearn train --resume {runDir}";
            stderr.WriteLine(live ? "\n" + message : message);
            log.WriteLine(message);
            return signal.Terminated ? TerminatedExitCode : InterruptedExitCode;
        }
        string trained = string.Create(CultureInfo.InvariantCulture,
            $"trained {summary.Step - summary.ResumedFrom} steps in {summary.Elapsed.TotalSeconds:F1}s{(summary.ResumedFrom > 0 ? $" (steps {summary.ResumedFrom + 1}-{summary.Step})" : "")}; run directory {runDir}");
        stdout.WriteLine(trained);
        log.WriteLine(trained);
        if (summary.BestMetric is { } bestValue)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best validation {trainer.BestMetric} {bestValue:F4} at step {summary.BestStep}"));
        }
        if (config.Int("test_episodes") > 0)
        {
            FinalEvaluation(setup, runDir, stdout, stderr, log, live);
        }
        return 0;
    }

    /// <summary>Creates the run directory, or says why it cannot be (a read-only or impossible path).</summary>
    private static void CreateRunDirectory(string runDir)
    {
        try
        {
            Directory.CreateDirectory(runDir);
            string probe = Path.Combine(runDir, $".write-test-{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new UsageException($"cannot write the run directory '{runDir}': {Reason(e)}. Choose a writable --out.");
        }
    }

    /// <summary>What train prints when a write fails mid-run (a full disk, a vanished directory); checkpoints are atomic, so the last is whole.</summary>
    internal static string WriteFailure(string runDir, IOException e, long? lastStep)
    {
        string kept = lastStep is long step ? $"the last checkpoint ({step} steps) is intact" : "no checkpoint had been written yet";
        return $"cannot write to the run directory '{runDir}': {Reason(e)}. Training stopped; {kept}. Free some space, then continue with: metalearn train --resume {runDir}";
    }

    /// <summary>The system's reason without the path .NET appends (" : '/run/.last.safetensors.1a2b.tmp'"): the directory says enough.</summary>
    private static string Reason(Exception e) => e.Message.Split(" : '")[0].TrimEnd('.', ' ');

    private static long ReadStep(string checkpoint)
    {
        try
        {
            return Checkpoint.Load(checkpoint).Metadata.Step;
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"cannot resume: {e.Message}");
        }
    }

    /// <summary>Tests the best checkpoint (else the last) on the test tasks and writes final_eval.json.</summary>
    private static void FinalEvaluation(RunSetup setup, string runDir, TextWriter stdout, TextWriter stderr, TextWriter log, bool live)
    {
        string checkpoint = Path.Combine(runDir, File.Exists(Path.Combine(runDir, MetaTrainer.BestCheckpoint)) ? MetaTrainer.BestCheckpoint : MetaTrainer.LastCheckpoint);
        LearnerState state = RunSetup.LoadCheckpoint(setup.Learner, checkpoint);
        int episodes = setup.Config.Int("test_episodes");
        EvaluationResult result = Evaluator.Evaluate(setup.Learner, state, setup.Tasks.Test, new EvaluatorOptions
        {
            Episodes = episodes,
            Seed = EvalCommand.TestSeed,
            BatchNorm = GeneralKeys.BatchNorm(setup.Config["batch_norm_at_test"]),
            Progress = new EpisodeProgressWriter(stderr, "final test", episodes, live),
        });
        JsonObject json = EvalCommand.ToJson(result, setup.Config, null, null);
        json["checkpoint"] = Path.GetFileName(checkpoint);
        AtomicFile.Write(Path.Combine(runDir, FinalEvalFile), s => s.Write(Encoding.UTF8.GetBytes(json.ToJsonString() + "\n")));
        string line = $"test ({Path.GetFileName(checkpoint)}): {result}";
        stdout.WriteLine(line);
        log.WriteLine(line);
    }

    /// <summary>Turns Ctrl-C and SIGTERM into a stop after the current step (the trainer then writes its checkpoint).</summary>
    private sealed class StopSignal
    {
        public bool Terminated { get; private set; }

        public IDisposable Listen(CancellationTokenSource stop)
        {
            ConsoleCancelEventHandler ctrlC = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += ctrlC;
            PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true; // keep running until the step ends and the checkpoint is written
                Terminated = true;
                stop.Cancel();
            });
            return new Registration(() =>
            {
                Console.CancelKeyPress -= ctrlC;
                term.Dispose();
            });
        }

        private sealed class Registration(Action undo) : IDisposable
        {
            public void Dispose() => undo();
        }
    }

    /// <summary>Forwards progress to a writer made once the run directory (and its log) exists.</summary>
    private sealed class ProgressRelay : IProgress<TrainingProgress>
    {
        public IProgress<TrainingProgress>? Target { get; set; }

        public void Report(TrainingProgress value) => Target?.Report(value);
    }

    private sealed class NoSignal : IDisposable
    {
        public void Dispose()
        {
        }
    }
}

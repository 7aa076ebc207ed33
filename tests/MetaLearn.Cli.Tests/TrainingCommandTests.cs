using System.IO.Compression;
using System.Text.Json;

namespace MetaLearn.Cli.Tests;

/// <summary>train, eval, report and classify end to end on tiny settings.</summary>
public class TrainingCommandTests
{
    private static readonly string[] Tiny =
    [
        "--steps", "6", "--set", "meta_batch=4", "--set", "validation_interval=3", "--set", "validation_episodes=5",
        "--set", "test_episodes=10", "--set", "checkpoint_interval=2",
    ];

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "metalearn-cli-" + Guid.NewGuid().ToString("N"));

    private static (int Exit, string Output, string Error) Train(string dir, params string[] extra)
        => CliRunner.Run(["train", "--out", dir, .. Tiny, .. extra]);

    [Fact]
    public void TrainWritesTheRunDirectoryAndEvalReadsItsCheckpoint()
    {
        string dir = TempDir();
        (int exit, string output, string error) = Train(dir);
        Assert.True(exit == 0, error);
        foreach (string file in new[] { "config.json", "metrics.jsonl", "last.safetensors", "best.safetensors", "train.log", "final_eval.json" })
        {
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} missing");
        }
        Assert.Equal(6, File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")).Length);
        using (JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "config.json"))))
        {
            Assert.Equal("maml-sinusoid", config.RootElement.GetProperty("preset").GetString());
            Assert.Equal(6, config.RootElement.GetProperty("steps").GetInt32());
        }
        Assert.Contains("step 6/6", error);
        Assert.Contains("test (best.safetensors): mse", output);

        (exit, output, error) = CliRunner.Run("eval", "--checkpoint", Path.Combine(dir, "last.safetensors"), "--episodes", "8", "--format", "json");
        Assert.True(exit == 0, error);
        using JsonDocument result = JsonDocument.Parse(output.Trim());
        Assert.Equal("mse", result.RootElement.GetProperty("metric").GetString());
        Assert.True(result.RootElement.GetProperty("mean").GetDouble() > 0);
        Assert.True(result.RootElement.GetProperty("ci95").GetDouble() >= 0);
        Assert.Equal(8, result.RootElement.GetProperty("episodes").GetInt32());

        (exit, output, error) = CliRunner.Run("report", dir, "--out", Path.Combine(dir, "r.html"));
        Assert.True(exit == 0, error);
        string html = File.ReadAllText(Path.Combine(dir, "r.html"));
        Assert.Contains("<svg", html);
        Assert.Contains("<polyline", html);
        Assert.Contains("Final evaluation", html);
        Assert.Contains("Adapted predictions", html); // regression: true curve, support points and adapted fit for a few tasks
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void LinearRegressionOfAnySizeTrainsEvaluatesAndPlotsItsFits()
    {
        // 8 inputs, 2 outputs: validation MSE falls well below the targets' variance (8 + 1 per output) within 150 steps.
        string dir = TempDir();
        (int exit, string output, string error) = CliRunner.Run("train", "--preset", "maml-linear-8d", "--out", dir, "--steps", "150",
            "--set", "validation_interval=50", "--set", "validation_episodes=20", "--set", "test_episodes=20");
        Assert.True(exit == 0, error);
        Assert.Contains("linear (mlp(8-40-40-2))", error);
        double[] validation = [.. File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.TryGetProperty("validation", out _)).Select(r => r.GetProperty("validation").GetProperty("mean").GetDouble())];
        Assert.Equal(3, validation.Length);
        Assert.True(validation[^1] < 0.5 * validation[0] && validation[^1] < 3, $"validation MSE {string.Join(", ", validation)}");
        Assert.True(CliRunner.Run("report", dir, "--out", Path.Combine(dir, "r.html")).Exit == 0);
        string html = File.ReadAllText(Path.Combine(dir, "r.html"));
        Assert.Contains("output 2 of 2: adapted against true", html); // a scatter per output, as the fit has no single curve

        // The 1-D textbook model is Linear(1, 1); its report draws the true and adapted lines over x in [-3, 3].
        string line = TempDir();
        (exit, _, error) = CliRunner.Run("train", "--preset", "maml-linear", "--out", line, "--steps", "20", "--set", "validation_interval=0", "--set", "test_episodes=10");
        Assert.True(exit == 0, error);
        Assert.Contains("linear (linear(1-1))", error);
        Assert.True(CliRunner.Run("report", line, "--out", Path.Combine(line, "r.html")).Exit == 0);
        Assert.Contains("task 1: line slope=", File.ReadAllText(Path.Combine(line, "r.html")));
        Directory.Delete(dir, recursive: true);
        Directory.Delete(line, recursive: true);
    }

    [Fact]
    public void AnInterruptedRunResumesToTheSameMetricsAsAnUninterruptedOne()
    {
        string straight = TempDir(), interrupted = TempDir();
        Assert.Equal(0, Train(straight).Exit);

        // Interrupt as Ctrl-C would, right after step 3's progress line (validation at step 3 always prints one).
        using var cts = new CancellationTokenSource();
        var error = new CancellingWriter("step 3/6", cts);
        int exit = MetaLearnCommand.Run(["train", "--out", interrupted, .. Tiny], new StringWriter(), error, cts.Token);
        Assert.Equal(130, exit);
        Assert.Contains("interrupted at step 3", error.ToString());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(interrupted, "metrics.jsonl")).Length);

        (exit, _, string resumeError) = CliRunner.Run("train", "--resume", interrupted);
        Assert.True(exit == 0, resumeError);
        Assert.Contains("resuming from step 3", resumeError);
        Assert.Equal(Losses(straight), Losses(interrupted));
        Directory.Delete(straight, recursive: true);
        Directory.Delete(interrupted, recursive: true);
    }

    [Theory]
    [InlineData("inner_lrr=0.1", "unknown config key 'inner_lrr' (did you mean 'inner_lr'?)")]
    [InlineData("maml.inner_lrr=0.1", "unknown config key 'maml.inner_lrr' (did you mean 'maml.inner_lr'?)")]
    [InlineData("split=vinyals", "config key 'split' is a key of task omniglot, not of this run's task sinusoid")]
    [InlineData("inner_lr=-1", "config key 'maml.inner_lr' must be number > 0; got '-1'")]
    [InlineData("learner=protonet", "learner 'protonet' does not train on regression tasks (sinusoid)")]
    [InlineData("algorithm=protonet", "config key 'algorithm' was renamed: it is now 'learner'")]
    [InlineData("inner_batch=2", "config key 'inner_batch' is a key of reptile, not of this run's learner maml")]
    [InlineData("reptile.inner_batch=2", "config key 'reptile.inner_batch' belongs to learner reptile, but this run's learner is maml")]
    [InlineData("ways=5", "config key 'ways' does not apply to sinusoid tasks; they read shots, queries, train_shots, train_queries")]
    [InlineData("steps=99999999999", "config key 'steps' must be integer >= 1; got '99999999999' (the largest accepted is 2147483647)")]
    [InlineData("maml.first_order=perhaps", "config key 'maml.first_order' must be true or false; got 'perhaps'")]
    [InlineData("hidden_layers=-1", "config key 'maml.hidden_layers' must be integer >= 0; got '-1'")]
    public void BadConfigValuesAreUsageErrorsNamingTheKey(string pair, string message)
    {
        string dir = TempDir();
        (int exit, _, string error) = CliRunner.Run("train", "--out", dir, "--set", pair);
        Assert.Equal(2, exit);
        Assert.Contains(message, error);
        Assert.Contains($"--set {pair}", error); // where the bad assignment came from
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void AnUnknownFlagIsAUsageErrorWithASuggestion()
    {
        (int exit, _, string error) = CliRunner.Run("train", "--stepz", "3");
        Assert.Equal(2, exit);
        Assert.Contains("--stepz", error);
    }

    [Fact]
    public void AConfigFileSetsKeysAndUnknownPresetsSuggestTheClosest()
    {
        string dir = TempDir();
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "run.json");
        File.WriteAllText(file, """{"preset": "fomaml-sinusoid", "steps": 2, "meta_batch": 2, "validation_interval": 0, "test_episodes": 0}""");
        (int exit, _, string error) = CliRunner.Run("train", "--config", file, "--out", Path.Combine(dir, "run"));
        Assert.True(exit == 0, error);
        Assert.Contains("training fomaml", error);

        (exit, _, error) = CliRunner.Run("train", "--preset", "maml-sinusiod");
        Assert.Equal(2, exit);
        Assert.Contains("did you mean 'maml-sinusoid'", error);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void ATimeLimitStopsTrainingCheckpointsAndStillRunsTheFinalTest()
    {
        string dir = TempDir();
        string run = Path.Combine(dir, "run");
        (int exit, string output, string error) = CliRunner.Run("train", "--out", run, "--steps", "10000000", "--time-limit", "2s",
            "--set", "validation_interval=0", "--set", "test_episodes=20");
        Assert.True(exit == 0, error);
        Assert.Contains("stopped at the time limit (00:00:02)", error);
        Assert.Contains("trained ", output);
        Assert.True(File.Exists(Path.Combine(run, "final_eval.json")));
        Assert.True(File.Exists(Path.Combine(run, "last.safetensors")));
        int steps = File.ReadLines(Path.Combine(run, "metrics.jsonl")).Count();
        Assert.InRange(steps, 1, 9_999_999);

        (exit, _, error) = CliRunner.Run("train", "--out", Path.Combine(dir, "bad"), "--time-limit", "5x");
        Assert.Equal(2, exit);
        Assert.Contains("--time-limit '5x' is not a duration; give a positive number with s, m or h", error);
        Assert.Equal(TimeSpan.FromMinutes(90), Commands.TrainCommand.ParseDuration("1.5h"));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void AYamlConfigSetsTheSameKeysAndBadYamlNamesTheFileAndLine()
    {
        string dir = TempDir();
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "run.yaml");
        File.WriteAllText(file, """
            # first-order MAML, shortened
            preset: fomaml-sinusoid
            steps: 3
            meta_batch: 2
            inner_lr: 0.02
            validation_interval: 0
            test_episodes: 0
            """);
        string run = Path.Combine(dir, "run");
        (int exit, _, string error) = CliRunner.Run("train", "--config", file, "--out", run);
        Assert.True(exit == 0, error);
        Assert.Contains("training fomaml", error);
        using (JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
        {
            Assert.Equal(3, config.RootElement.GetProperty("steps").GetInt32());
            Assert.Equal(0.02, config.RootElement.GetProperty("maml.inner_lr").GetDouble());
            Assert.True(config.RootElement.GetProperty("maml.first_order").GetBoolean());
        }

        File.WriteAllText(file, "preset: maml-sinusoid\ninner_lrr: 0.1\n");
        (exit, _, error) = CliRunner.Run("train", "--config", file, "--out", Path.Combine(dir, "bad1"));
        Assert.Equal(2, exit);
        Assert.Contains("unknown config key 'inner_lrr' (did you mean 'inner_lr'?)", error);

        File.WriteAllText(file, "steps: 3\nsplit:\n  - vinyals\n  - lake\n");
        (exit, _, error) = CliRunner.Run("train", "--config", file, "--out", Path.Combine(dir, "bad2"));
        Assert.Equal(2, exit);
        Assert.Contains($"config file '{file}' line 3: key 'split' must be a number, a string or a mapping of keys, not a list", error);

        File.WriteAllText(file, "steps: 3\n  meta_batch: [2\n");
        (exit, _, error) = CliRunner.Run("train", "--config", file, "--out", Path.Combine(dir, "bad3"));
        Assert.Equal(2, exit);
        Assert.Contains($"config file '{file}' is not valid YAML (line 2", error);
        Assert.DoesNotContain("   at ", error);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void ClassifyPredictsOneRowPerQueryFromRealOmniglotDrawings()
    {
        string dir = TempDir();
        string data = Path.GetDirectoryName(CliRunner.OmniglotFile("images_evaluation.zip"))!;
        string run = Path.Combine(dir, "run");
        (int exit, _, string error) = CliRunner.Run("train", "--preset", "protonet-omniglot-5w1s", "--out", run, "--steps", "2",
            "--set", $"data={data}", "--set", "train_ways=5", "--set", "validation_interval=0", "--set", "test_episodes=0");
        Assert.True(exit == 0, error);

        // Three characters of one evaluation alphabet: two drawings each as support, two more as queries.
        using (ZipArchive zip = ZipFile.OpenRead(Path.Combine(data, "images_evaluation.zip")))
        {
            foreach (string character in new[] { "character01", "character02", "character03" })
            {
                ZipArchiveEntry[] drawings = [.. zip.Entries.Where(e => e.FullName.StartsWith($"images_evaluation/Angelic/{character}/") && e.Name.EndsWith(".png")).OrderBy(e => e.Name)];
                Directory.CreateDirectory(Path.Combine(dir, "support", character));
                Directory.CreateDirectory(Path.Combine(dir, "query"));
                drawings[0].ExtractToFile(Path.Combine(dir, "support", character, "1.png"));
                drawings[1].ExtractToFile(Path.Combine(dir, "support", character, "2.png"));
                drawings[5].ExtractToFile(Path.Combine(dir, "query", $"{character}-a.png"));
                drawings[6].ExtractToFile(Path.Combine(dir, "query", $"{character}-b.png"));
            }
        }
        (exit, string output, error) = CliRunner.Run("classify", "--checkpoint", Path.Combine(run, "last.safetensors"),
            "--support", Path.Combine(dir, "support"), "--query", Path.Combine(dir, "query"), "--format", "json");
        Assert.True(exit == 0, error);
        using JsonDocument rows = JsonDocument.Parse(output.Trim());
        Assert.Equal(6, rows.RootElement.GetArrayLength());
        foreach (JsonElement row in rows.RootElement.EnumerateArray())
        {
            Assert.StartsWith("character0", row.GetProperty("predicted").GetString());
            double p = row.GetProperty("confidence").GetDouble();
            Assert.InRange(p, 1.0 / 3 - 1e-9, 1.0); // the top softmax probability of three classes
        }

        // ProtoNet checkpoints evaluate with other ways than they were trained on.
        (exit, output, error) = CliRunner.Run("eval", "--checkpoint", Path.Combine(run, "last.safetensors"), "--episodes", "4", "--ways", "3", "--format", "json");
        Assert.True(exit == 0, error);
        using (JsonDocument result = JsonDocument.Parse(output.Trim()))
        {
            Assert.Equal("accuracy", result.RootElement.GetProperty("metric").GetString());
            Assert.Equal(3, result.RootElement.GetProperty("ways").GetInt32());
            Assert.InRange(result.RootElement.GetProperty("mean").GetDouble(), 0, 1);
        }

        // An undecodable query image is named in a one-line error.
        string broken = Path.Combine(dir, "query", "broken.png");
        File.WriteAllText(broken, "not a png");
        (exit, _, error) = CliRunner.Run("classify", "--checkpoint", Path.Combine(run, "last.safetensors"),
            "--support", Path.Combine(dir, "support"), "--query", broken);
        Assert.NotEqual(0, exit);
        Assert.Contains("broken.png", error);
        // One error line; the drawings' 105x105 -> 28x28 resize is noted once before it (issue 16's "the log says so").
        Assert.Single(error.Trim().Split('\n'), l => l.StartsWith("classify:"));
        Assert.Contains("note: images are resized to 28x28", error);

        // A support folder with one class is refused with a usage error.
        Directory.Delete(Path.Combine(dir, "support", "character02"), recursive: true);
        Directory.Delete(Path.Combine(dir, "support", "character03"), recursive: true);
        (exit, _, error) = CliRunner.Run("classify", "--checkpoint", Path.Combine(run, "last.safetensors"),
            "--support", Path.Combine(dir, "support"), "--query", Path.Combine(dir, "query"));
        Assert.Equal(2, exit);
        Assert.Contains("at least two classes", error);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void MissingCorruptAndMismatchedCheckpointsAreOneLineErrorsNamingTheFile()
    {
        string dir = TempDir();
        string run = Path.Combine(dir, "run");
        (int exit, _, string error) = CliRunner.Run("train", "--steps", "2", "--set", "validation_interval=0", "--set", "test_episodes=0", "--out", run);
        Assert.True(exit == 0, error);

        string missing = Path.Combine(run, "nothere.safetensors");
        (exit, _, error) = CliRunner.Run("eval", "--checkpoint", missing);
        Assert.Equal((2, 1), (exit, error.Trim().Split('\n').Length));
        Assert.Contains($"checkpoint '{missing}' does not exist", error);

        string corrupt = Path.Combine(run, "corrupt.safetensors");
        File.WriteAllBytes(corrupt, File.ReadAllBytes(Path.Combine(run, "last.safetensors"))[..100]);
        File.Copy(Path.Combine(run, "last.json"), Path.Combine(run, "corrupt.json"));
        (exit, _, error) = CliRunner.Run("eval", "--checkpoint", corrupt);
        Assert.NotEqual(0, exit);
        Assert.Contains($"cannot read checkpoint '{corrupt}'", error);
        Assert.Contains("truncated", error);

        string config = Path.Combine(run, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"maml.hidden\": 40", "\"maml.hidden\": 20"));
        (exit, _, error) = CliRunner.Run("eval", "--checkpoint", Path.Combine(run, "last.safetensors"));
        Assert.NotEqual(0, exit);
        Assert.Contains("mlp(1-40-40-1)", error);
        Assert.Contains("config.json beside it describes", error);
        Assert.DoesNotContain("   at ", error);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void OmniglotPresetsWithoutDataSayWhereTheyLookedAndHowToDownload()
    {
        string missing = TempDir();
        (int exit, _, string error) = CliRunner.Run("train", "--preset", "maml-omniglot-5w1s", "--out", TempDir(), "--set", $"data={missing}");
        Assert.Equal(2, exit);
        Assert.Contains("images_background", error);
        Assert.Contains($"metalearn data download omniglot --to {missing}", error);
    }

    private static string[] Losses(string dir) =>
        [.. File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")).Select(line =>
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            return doc.RootElement.GetProperty("step") + ":" + doc.RootElement.GetProperty("loss").GetRawText();
        })];

    /// <summary>Captures stderr and cancels when a line containing <paramref name="trigger"/> is written.</summary>
    private sealed class CancellingWriter(string trigger, CancellationTokenSource cts) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(trigger) == true)
            {
                cts.Cancel();
            }
        }
    }
}

using System.Diagnostics;
using System.Text.Json;
using MetaLearn.Algorithms;
using MetaLearn.Cli.Registry;
using MetaLearn.Cli.Training;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Tests;

/// <summary>
/// Failures lose nothing already written and every message says what to do (issue 15): a diverging loss, NaN weights,
/// SIGTERM, a resume below the checkpoint, impossible output paths, a one-point chart, an honest first ETA.
/// </summary>
public class FaultTests
{
    private static string TempDir() => Path.Combine(Path.GetTempPath(), "metalearn-fault-" + Guid.NewGuid().ToString("N"));

    private static readonly string[] Quick = ["--set", "validation_interval=0", "--set", "test_episodes=0", "--set", "meta_batch=4"];

    [Fact]
    public void ADivergingRunStopsWithTheLastGoodCheckpointAndItsFilesStillResumeAndReport()
    {
        string dir = TempDir();
        // An outer learning rate of 1e30 makes the weights overflow within a few steps.
        (int exit, string output, string error) = CliRunner.Run(["train", "--out", dir, "--steps", "20", "--set", "maml.outer_lr=1e30", "--set", "checkpoint_interval=0", .. Quick]);
        Assert.Equal(1, exit);
        Assert.Contains("training diverged at meta-step", error);
        Assert.Contains("was saved to", error);
        Assert.Contains("Lower the learning rates", error);
        Assert.DoesNotContain("unexpected error", error);
        long step = Checkpoint.Load(Path.Combine(dir, "last.safetensors")).Metadata.Step;
        string[] lines = File.ReadAllLines(Path.Combine(dir, "metrics.jsonl"));
        Assert.Equal(step, lines.Length);
        Assert.All(lines, l => Assert.True(double.IsFinite(JsonDocument.Parse(l).RootElement.GetProperty("loss").GetDouble())));
        (exit, _, error) = CliRunner.Run("report", dir);
        Assert.True(exit == 0, error);
        Assert.DoesNotContain(output.Split('\n'), l => l.Contains("NaN") || l.Contains("Infinity"));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void ACheckpointHoldingNaNWeightsIsRefusedByEvalAndClassify()
    {
        string dir = TempDir();
        (int exit, _, string error) = CliRunner.Run(["train", "--out", dir, "--steps", "2", .. Quick]);
        Assert.True(exit == 0, error);
        string path = Path.Combine(dir, "last.safetensors");
        RunConfig config = RunConfig.Load(Path.Combine(dir, "config.json"));
        IMetaLearner learner = RunSetup.BuildLearner(config);
        (LearnerState state, Checkpoint saved) = LearnerCheckpoint.Restore(path, learner);
        ParameterSet broken = state.Parameters.Map((name, t) => name.EndsWith("head.bias") ? Tensor.Full(t.Shape.ToArray(), double.NaN, t.DType) : t);
        LearnerCheckpoint.Save(path, learner, state with { Parameters = broken }, saved.Metadata.Step, new System.Text.Json.Nodes.JsonObject());
        (exit, _, error) = CliRunner.Run("eval", "--checkpoint", path, "--episodes", "5");
        Assert.Equal(2, exit);
        Assert.Contains("non-finite value", error);
        Assert.Contains("head.bias", error);
        Assert.Single(error.Trim().Split('\n'));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void ResumingToFewerStepsThanTheCheckpointIsRefusedAndChangesNothing()
    {
        string dir = TempDir();
        Assert.Equal(0, CliRunner.Run(["train", "--out", dir, "--steps", "4", .. Quick]).Exit);
        byte[] config = File.ReadAllBytes(Path.Combine(dir, "config.json")), metrics = File.ReadAllBytes(Path.Combine(dir, "metrics.jsonl"));
        (int exit, _, string error) = CliRunner.Run("train", "--resume", dir, "--steps", "3");
        Assert.Equal(2, exit);
        Assert.Contains("already at step 4", error);
        Assert.Contains("greater than 4", error);
        Assert.Equal(config, File.ReadAllBytes(Path.Combine(dir, "config.json")));
        Assert.Equal(metrics, File.ReadAllBytes(Path.Combine(dir, "metrics.jsonl")));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void ATildeIsExpandedAndImpossibleOutputPathsAreOneLineErrors()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, "data", "omniglot"), DataLocation.ExpandHome("~/data/omniglot"));
        Assert.Equal("/x/~/y", DataLocation.ExpandHome("/x/~/y"));
        (int exit, _, string error) = CliRunner.Run("train", "--preset", "maml-omniglot-5w1s", "--set", "data=~/no-such-metalearn-folder", "--out", TempDir());
        Assert.Equal(2, exit);
        Assert.Contains(Path.Combine(home, "no-such-metalearn-folder"), error);

        (exit, _, error) = CliRunner.Run(["train", "--out", "/proc/metalearn-cannot-write-here/run", "--steps", "1", .. Quick]);
        Assert.Equal(2, exit);
        Assert.Contains("cannot write the run directory '/proc/metalearn-cannot-write-here/run'", error);
        Assert.Single(error.Trim().Split('\n'));

        string dir = TempDir();
        Assert.Equal(0, CliRunner.Run(["train", "--out", dir, "--steps", "1", .. Quick]).Exit);
        (exit, _, error) = CliRunner.Run("report", dir, "--out", "/proc/metalearn-report.html");
        Assert.Equal(1, exit);
        Assert.Contains("cannot write '/proc/metalearn-report.html'", error);
        Assert.Single(error.Trim().Split('\n'));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void AFullDiskNamesTheReasonTheCheckpointKeptAndTheResumeCommandOnce()
    {
        var full = new IOException("No space left on device : '/runs/a/.last.safetensors.9f2c.tmp'");
        Assert.Equal(
            "cannot write to the run directory '/runs/a': No space left on device. Training stopped; the last checkpoint (1700 steps) is intact. "
            + "Free some space, then continue with: metalearn train --resume /runs/a",
            Commands.TrainCommand.WriteFailure("/runs/a", full, 1700));
        Assert.Contains("no checkpoint had been written yet", Commands.TrainCommand.WriteFailure("/runs/a", full, null));
    }

    [Fact]
    public void SigtermStopsAfterTheStepWithACheckpointAndTheRunResumesToTheSameResult()
    {
        string straight = TempDir(), stopped = TempDir();
        string[] args = ["--steps", "400", "--set", "validation_interval=0", "--set", "test_episodes=0", "--set", "checkpoint_interval=0"];
        Assert.Equal(0, CliRunner.Run(["train", "--out", straight, .. args]).Exit);

        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "metalearn.dll"), "train", "--out", stopped }.Concat(args))
        {
            start.ArgumentList.Add(a);
        }
        using Process train = Process.Start(start)!;
        string? line;
        while ((line = train.StandardError.ReadLine()) is not null && !line.StartsWith("step ", StringComparison.Ordinal))
        {
        }
        Assert.NotNull(line); // a first progress line: training is under way
        Process.Start("kill", $"-TERM {train.Id}")!.WaitForExit();
        string rest = train.StandardError.ReadToEnd();
        train.WaitForExit();
        Assert.Equal(143, train.ExitCode);
        Assert.Contains("terminated (SIGTERM) at step", rest);
        long step = Checkpoint.Load(Path.Combine(stopped, "last.safetensors")).Metadata.Step;
        Assert.InRange(step, 1, 399);
        Assert.Equal(step, File.ReadAllLines(Path.Combine(stopped, "metrics.jsonl")).Length);

        (int exit, _, string error) = CliRunner.Run("train", "--resume", stopped);
        Assert.True(exit == 0, error);
        static string[] Losses(string dir) => [.. File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("loss").GetRawText())];
        Assert.Equal(Losses(straight), Losses(stopped));
        Directory.Delete(straight, recursive: true);
        Directory.Delete(stopped, recursive: true);
    }

    [Fact]
    public void AOnePointChartCentresItsValueAndTheReportAgreesWithTheConsole()
    {
        string svg = Reporting.SvgChart.Render("validation accuracy", "step", new Reporting.Series("v", [(500, 0.98)], "#000"));
        Assert.Contains(">0.9898<", svg);
        Assert.Contains(">0.9702<", svg);
        Assert.DoesNotContain("1.98", svg);

        string dir = TempDir();
        (int exit, string output, string error) = CliRunner.Run(["train", "--out", dir, "--steps", "3", .. Quick]);
        Assert.True(exit == 0, error);
        string seconds = output.Split(" steps in ")[1].Split('s')[0];
        Assert.Equal(0, CliRunner.Run("report", dir).Exit);
        string html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Contains($"3 steps, {seconds} s of training", html);
        Assert.Contains("maml.inner_lr", html);
        Assert.DoesNotContain("reptile.", html); // only the keys of this run's learner
        Assert.DoesNotContain("inner_batch", html);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void TheFirstEtaWaitsForAMeasuredStep()
    {
        var error = new StringWriter();
        var writer = new TrainingProgressWriter(error, TextWriter.Null, TimeSpan.Zero, resumedFrom: 0);
        var metrics = new MetricValues(("loss", 1.0));
        writer.Report(new TrainingProgress(1, 1000, metrics, null, TimeSpan.FromSeconds(5)));   // the first step includes compiling
        writer.Report(new TrainingProgress(11, 1000, metrics, null, TimeSpan.FromSeconds(6)));  // then 10 steps in 1 s
        string[] lines = error.ToString().Trim().Split('\n');
        Assert.Contains("eta --", lines[0]);
        Assert.Contains("10.0 steps/s", lines[1]);
        Assert.Contains("eta 1m38s", lines[1]); // 989 steps at 10 per second (98.9 s), not 989 x 6 / 11 s
    }
}

/// <summary>The terminal progress bar.</summary>
public class ProgressBarTests
{
    [Theory]
    [InlineData(0, 100, "[--------------------]   0%")]
    [InlineData(35, 100, "[#######-------------]  35%")]
    [InlineData(1000, 1000, "[####################] 100%")]
    [InlineData(5, 0, "[--------------------]   0%")]
    public void TheBarShowsTheFractionDone(long done, long total, string expected) => Assert.Equal(expected, Training.ProgressBar.Draw(done, total));
}

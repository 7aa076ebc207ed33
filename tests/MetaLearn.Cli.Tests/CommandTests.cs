using System.Text.Json;

namespace MetaLearn.Cli.Tests;

public class CommandTests
{
    [Fact]
    public void InfoShowsCoresAndSimdWidth()
    {
        (int exit, string output, _) = CliRunner.Run("info");
        Assert.Equal(0, exit);
        Assert.Contains($"cores     {Environment.ProcessorCount}", output);
        Assert.Contains("simd      ", output);
        Assert.Contains("datasets  looked for in:", output);
    }

    [Fact]
    public void BenchPrintsAJsonRowPerWorkload()
    {
        (int exit, string output, _) = CliRunner.Run("bench", "--workload", "sgemm-64", "--reps", "2", "--format", "json");
        Assert.Equal(0, exit);
        using JsonDocument row = JsonDocument.Parse(output.Trim());
        Assert.Equal("sgemm-64", row.RootElement.GetProperty("workload").GetString());
        Assert.True(row.RootElement.GetProperty("metalearn_ms").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, row.RootElement.GetProperty("pytorch_ms").ValueKind);
        Assert.Equal(2, row.RootElement.GetProperty("ms").GetArrayLength());
    }

    [Fact]
    public void BenchRejectsUnknownWorkloadsAndReferences()
    {
        (int exit, _, string error) = CliRunner.Run("bench", "--workload", "resnet-9000");
        Assert.Equal(2, exit);
        Assert.Contains("unknown workload 'resnet-9000'", error);
        Assert.Contains("maml-sinusoid-2nd", error);

        (exit, _, error) = CliRunner.Run("bench", "--workload", "sgemm-64", "--against", "tensorflow");
        Assert.Equal(2, exit);
        Assert.Contains("'pytorch'", error);
    }

    [Fact]
    public void DataVerifyCountsARealOmniglotZip()
    {
        (int exit, string output, _) = CliRunner.Run("data", "verify", CliRunner.OmniglotFile("images_background_small1.zip"), "--decode", "10", "--format", "json");
        Assert.Equal(0, exit);
        using JsonDocument report = JsonDocument.Parse(output.Trim());
        Assert.Equal(136, report.RootElement.GetProperty("classes").GetInt32());
        Assert.Equal(2720, report.RootElement.GetProperty("images").GetInt32());
        Assert.Equal("Match", report.RootElement.GetProperty("checksum").GetString());
        Assert.True(report.RootElement.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public void DataVerifyOfAMissingPathSaysWhatWasExpected()
    {
        (int exit, _, string error) = CliRunner.Run("data", "verify", "/nonexistent/omniglot.zip");
        Assert.Equal(2, exit);
        Assert.Contains("neither a file nor a folder", error);
    }

    [Fact]
    public void DataDownloadFromAnUnreachableMirrorFailsClearlyAndWritesNothing()
    {
        string dir = Path.Combine(Path.GetTempPath(), "metalearn-dl-" + Guid.NewGuid().ToString("N"));
        (int exit, _, string error) = CliRunner.Run("data", "download", "omniglot", "--to", dir, "--set", "BackgroundSmall1", "--mirror", "http://127.0.0.1:9/");
        Assert.Equal(1, exit);
        Assert.Contains("cannot reach the server", error);
        Assert.False(Directory.Exists(dir) && Directory.EnumerateFiles(dir).Any());
    }

    [Fact]
    public void DataDownloadFromAFileMirrorVerifiesTheChecksum()
    {
        string dir = Path.Combine(Path.GetTempPath(), "metalearn-dl-" + Guid.NewGuid().ToString("N"));
        string mirror = new Uri(Path.GetDirectoryName(CliRunner.OmniglotFile("images_background_small1.zip"))! + "/").AbsoluteUri;
        (int exit, string output, string error) = CliRunner.Run("data", "download", "omniglot", "--to", dir, "--set", "BackgroundSmall1", "--mirror", mirror);
        Assert.True(exit == 0, error);
        Assert.Contains("sha256 Match", output);
        Assert.True(File.Exists(Path.Combine(dir, "images_background_small1.zip")));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void ATornMetricsLineIsSkippedWithANoteAndUnexpectedErrorsHideTheStackUnlessVerbose()
    {
        string dir = Directory.CreateTempSubdirectory("metalearn-bad-run").FullName;
        File.WriteAllText(Path.Combine(dir, "metrics.jsonl"), "{\"step\":1,\"loss\":0.5,\"elapsed_s\":0.1}\n{\"step\":2,\"lo");
        (int exit, _, string error) = CliRunner.Run("report", dir);
        Assert.True(exit == 0, error);
        string html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Contains("metrics.jsonl line 2 could not be read (cut off by a crash or a full disk) and was skipped", html);
        Assert.Contains("1 steps", html);

        File.WriteAllText(Path.Combine(dir, "final_eval.json"), "{\"metric\": ");
        (exit, _, error) = CliRunner.Run("report", dir);
        Assert.Equal(1, exit);
        Assert.Contains("is damaged", error);
        Assert.Single(error.Trim().Split('\n'));
        Directory.Delete(dir, recursive: true);

        Exception thrown;
        try
        {
            throw new InvalidCastException("something nobody expected");
        }
        catch (InvalidCastException e)
        {
            thrown = e;
        }
        string brief = MetaLearnCommand.Unexpected(thrown, verbose: false), full = MetaLearnCommand.Unexpected(thrown, verbose: true);
        Assert.Equal("metalearn: unexpected error: InvalidCastException: something nobody expected (rerun with --verbose for the stack trace)", brief);
        Assert.Contains("   at ", full);
    }
}

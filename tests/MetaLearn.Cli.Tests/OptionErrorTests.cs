using System.Text.Json;

namespace MetaLearn.Cli.Tests;

/// <summary>
/// A bad flag value is answered in the user's words: the flag, the value typed and what the flag accepts, never a .NET
/// type name, with exit code 2 (issue 15).
/// </summary>
public class OptionErrorTests
{
    [Theory]
    [InlineData("--ways must be a whole number >= 2; got 'abc'.", "eval", "--checkpoint", "x.safetensors", "--ways", "abc")]
    [InlineData("--ways must be a whole number >= 2; got '1'.", "eval", "--checkpoint", "x.safetensors", "--ways", "1")]
    [InlineData("--ways must be a whole number >= 2; got '99999999999' (the largest accepted is 2147483647).", "eval", "--checkpoint", "x.safetensors", "--ways", "99999999999")]
    [InlineData("--shots must be a whole number >= 1; got '-1'.", "eval", "--checkpoint", "x.safetensors", "--shots", "-1")]
    [InlineData("--episodes must be a whole number >= 1; got '1.5'.", "eval", "--checkpoint", "x.safetensors", "--episodes", "1.5")]
    [InlineData("--episodes must be a whole number >= 1; got '1,000'.", "eval", "--checkpoint", "x.safetensors", "--episodes", "1,000")]
    [InlineData("--reps must be a whole number >= 1; got 'five'.", "bench", "--reps", "five")]
    [InlineData("--threads must be a whole number >= 0; got '-2'.", "bench", "--threads", "-2")]
    [InlineData("--rounds must be a whole number >= 1; got '0'.", "bench", "-w", "sgemm-64", "--reps", "1", "--rounds", "0")]
    [InlineData("--decode must be a whole number >= 0 or 'all'; got 'some'.", "data", "verify", ".", "--decode", "some")]
    public void ABadNumberNamesTheFlagTheValueAndWhatItAccepts(string message, params string[] args)
    {
        (int exit, _, string error) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.Contains(message, error);
        Assert.DoesNotContain("System.", error);
        Assert.DoesNotContain("expected type", error);
    }

    [Fact]
    public void GoodNumbersAndTheWordAllStillParse()
    {
        (int exit, string output, string error) = CliRunner.Run(
            "data", "verify", CliRunner.OmniglotFile("images_background_small1.zip"), "--decode", "ALL", "--format", "json");
        Assert.True(exit == 0, error);
        using JsonDocument report = JsonDocument.Parse(output.Trim());
        Assert.Equal(2720, report.RootElement.GetProperty("decoded").GetInt32());

        (exit, output, error) = CliRunner.Run("bench", "-w", "sgemm-64", "--reps", " 1", "--threads", "+1", "--format", "json");
        Assert.True(exit == 0, error);
        using JsonDocument row = JsonDocument.Parse(output.Trim());
        Assert.Equal(1, row.RootElement.GetProperty("ms").GetArrayLength());
        Assert.Equal(1, row.RootElement.GetProperty("threads").GetInt32());
    }
}

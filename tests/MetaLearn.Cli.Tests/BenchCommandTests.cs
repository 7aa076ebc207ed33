using System.CommandLine;
using System.Text.Json;

namespace MetaLearn.Cli.Tests;

/// <summary>bench's options read as they are typed: lower-case formats, placeholders that say what goes there.</summary>
public class BenchCommandTests
{
    [Fact]
    public void FormatsAreLowerCaseInHelpAndCompletionsAndParseInAnyCase()
    {
        (_, string help, _) = CliRunner.Run("bench", "--help");
        Assert.Contains("--format <json|table>  Output format. [default: table]", help);
        Assert.DoesNotContain("Table", help);
        foreach (string placeholder in new[] { "--workload <name>", "--reps <count>", "--threads <count>", "--against <library>", "--rounds <count>", "--python <path>" })
        {
            Assert.Contains(placeholder, help);
        }

        string[] completions = MetaLearnCommand.Create().Parse("bench --format ").GetCompletions().Select(c => c.Label).ToArray();
        Assert.Equal(["json", "table"], completions);

        foreach (string spelling in new[] { "json", "JSON", "Json" })
        {
            (int exit, string output, _) = CliRunner.Run("bench", "-w", "sgemm-64", "--reps", "1", "--format", spelling);
            Assert.Equal(0, exit);
            using JsonDocument row = JsonDocument.Parse(output.Trim());
            Assert.Equal("sgemm-64", row.RootElement.GetProperty("workload").GetString());
        }
    }

    [Fact]
    public void WithoutFormatTheOutputIsATableAndOtherValuesAreRefused()
    {
        (int exit, string output, _) = CliRunner.Run("bench", "-w", "sgemm-64", "--reps", "1");
        Assert.Equal(0, exit);
        Assert.StartsWith("sgemm-64 ", output);

        foreach (string value in new[] { "xml", "1" }) // "1" would be Json to the enum converter
        {
            (exit, _, string error) = CliRunner.Run("bench", "-w", "sgemm-64", "--reps", "1", "--format", value);
            Assert.Equal(2, exit);
            Assert.Contains($"--format must be 'table' or 'json'; got '{value}'.", error);
        }
    }
}

using System.Text.Json;

namespace MetaLearn.Cli.Tests;

/// <summary>
/// Every choice flag (each --format, data download --set) is shown, completed and typed in lower case, parses in any
/// case, and refuses other values naming the flag, the value and the choices (issue 15).
/// </summary>
public sealed class ChoiceOptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("metalearn-choice").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--format <json|table>", "Output format. [default: table]", "eval")]
    [InlineData("--format <csv|json|table>", "Output format. [default: table]", "classify")]
    [InlineData("--format <json|table>", "Output format. [default: table]", "data", "verify")]
    [InlineData("--format <json|table>", "Output format. [default: table]", "bench")]
    [InlineData("--set <name>", "Which zips (repeatable): background, evaluation, background-small1, background-small2. [default: background, evaluation]", "data", "download")]
    public void HelpShowsTheValuesAndTheDefaultInLowerCase(string placeholder, string description, params string[] command)
    {
        (int exit, string help, _) = CliRunner.Run([.. command, "--help"]);
        Assert.Equal(0, exit);
        string line = Assert.Single(help.Split('\n'), l => l.TrimStart().StartsWith(placeholder.Split(' ')[0] + " ", StringComparison.Ordinal));
        Assert.StartsWith(placeholder, line.TrimStart());
        Assert.EndsWith(description, line);
        Assert.DoesNotContain("Table", help);
        Assert.DoesNotContain("Json", help);
        Assert.DoesNotContain("Background", help);
    }

    [Theory]
    [InlineData("eval --checkpoint x --format ", new[] { "json", "table" })]
    [InlineData("classify --checkpoint x --support y --query z --format ", new[] { "csv", "json", "table" })]
    [InlineData("data verify . --format ", new[] { "json", "table" })]
    [InlineData("data download omniglot --to x --set ", new[] { "background", "background-small1", "background-small2", "evaluation" })]
    public void CompletionsAreTheLowerCaseValues(string line, string[] expected)
    {
        string[] completions = MetaLearnCommand.Create().Parse(line).GetCompletions().Select(c => c.Label).ToArray();
        Assert.Equal(expected, completions);
    }

    [Theory]
    [InlineData("--format must be 'table' or 'json'; got 'xml'.", "eval", "--checkpoint", "x", "--format", "xml")]
    [InlineData("--format must be 'table', 'csv' or 'json'; got 'tsv'.", "classify", "--checkpoint", "x", "--support", "y", "--query", "z", "--format", "tsv")]
    [InlineData("--format must be 'table' or 'json'; got '1'.", "data", "verify", ".", "--format", "1")]
    [InlineData("--format must be 'table' or 'json'; got 'yaml'.", "bench", "-w", "sgemm-64", "--format", "yaml")]
    [InlineData("--set must be 'background', 'evaluation', 'background-small1' or 'background-small2'; got 'small'.",
        "data", "download", "omniglot", "--to", "x", "--set", "evaluation", "small")]
    public void OtherValuesAreRefusedNamingTheFlagAndTheChoices(string message, params string[] args)
    {
        (int exit, _, string error) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.Contains(message, error);
    }

    [Fact]
    public void ValuesParseInAnyCaseAndTheDefaultApplies()
    {
        string zip = CliRunner.OmniglotFile("images_background_small1.zip");
        foreach (string spelling in new[] { "json", "JSON", "Json" })
        {
            (int exit, string output, string error) = CliRunner.Run("data", "verify", zip, "--decode", "0", "--format", spelling);
            Assert.True(exit == 0, error);
            using JsonDocument report = JsonDocument.Parse(output.Trim());
            Assert.Equal(136, report.RootElement.GetProperty("classes").GetInt32());
        }
        (int code, string table, _) = CliRunner.Run("data", "verify", zip, "--decode", "0");
        Assert.Equal(0, code);
        Assert.StartsWith("zip ", table);

        // The set's lower-case name, and the enum's own spelling that help used to show, both download it.
        string mirror = new Uri(Path.GetDirectoryName(zip)! + "/").AbsoluteUri;
        foreach (string spelling in new[] { "background-small1", "BackgroundSmall1" })
        {
            string to = Path.Combine(_dir, spelling);
            (int exit, string output, string error) = CliRunner.Run("data", "download", "omniglot", "--to", to, "--set", spelling, "--mirror", mirror);
            Assert.True(exit == 0, error);
            Assert.Equal([Path.Combine(to, "images_background_small1.zip")], Directory.GetFiles(to));
            Assert.Contains("sha256 Match", output);
        }
    }
}

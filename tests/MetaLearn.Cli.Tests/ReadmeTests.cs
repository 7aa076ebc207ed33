using System.CommandLine;
using System.Text.RegularExpressions;
using MetaLearn.Cli.Registry;

namespace MetaLearn.Cli.Tests;

/// <summary>
/// README.md is the newcomer's walkthrough: every <c>metalearn ...</c> line in its shell blocks must parse against the
/// real command tree (subcommand, flags, preset and <c>--set</c> keys), so the README cannot drift from the command.
/// The subcommands themselves run end to end in <see cref="CommandTests"/> and <see cref="TrainingCommandTests"/>.
/// </summary>
public partial class ReadmeTests
{
    [Fact]
    public void EveryMetalearnCommandInTheReadmeParses()
    {
        List<string[]> commands = ReadmeCommands().ToList();
        Assert.True(commands.Count >= 10, $"expected the README's walkthrough of metalearn commands, found {commands.Count}");
        foreach (string[] args in commands)
        {
            string line = "metalearn " + string.Join(' ', args);
            ParseResult parse = MetaLearnCommand.Create().Parse(args);
            Assert.True(parse.Errors.Count == 0, $"README line `{line}`: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
            for (int i = 0; i < args.Length - 1; i++)
            {
                if (args[i] == "--preset")
                {
                    Assert.True(Presets.All.Any(p => p.Name == args[i + 1]), $"README line `{line}`: no preset '{args[i + 1]}'");
                }
                if (args[i] == "--set")
                {
                    // Throws on an unknown key or a bad value, for the preset the line names (or the default).
                    int presetAt = Array.IndexOf(args, "--preset");
                    RunConfig.FromPreset(presetAt >= 0 ? args[presetAt + 1] : Presets.Default).With(Commands.TrainCommand.SetEntry(args[i + 1]));
                }
            }
        }
        Assert.Contains(commands, a => a is ["train"]);
        foreach (string sub in new[] { "eval", "classify", "report", "info", "bench", "data" })
        {
            Assert.Contains(commands, a => a.Length > 0 && a[0] == sub);
        }
    }

    /// <summary>The arguments of each README line that runs <c>metalearn</c>, with comments and placeholders removed.</summary>
    private static IEnumerable<string[]> ReadmeCommands()
    {
        bool inShell = false;
        foreach (string raw in File.ReadLines(Readme()))
        {
            if (raw.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inShell = !inShell && raw.Trim() is "```bash" or "```sh";
                continue;
            }
            string line = Comment().Replace(raw, "").Trim();
            if (inShell && (line.StartsWith("metalearn ", StringComparison.Ordinal) || line == "metalearn"))
            {
                yield return line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
            }
        }
    }

    private static string Readme()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "MetaLearn.slnx")))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("README.md was not found above the test binaries.");
    }

    [GeneratedRegex(@"\s+#\s.*$")]
    private static partial Regex Comment();
}

using System.CommandLine;
using System.Text.RegularExpressions;

namespace MetaLearn.Cli.Tests;

/// <summary>
/// Every option's placeholder says what goes there (<c>--to &lt;dir&gt;</c>), never just repeats the option's name
/// (<c>--to &lt;to&gt;</c>, System.CommandLine's default when no HelpName is set), in every command (issue 15).
/// </summary>
public partial class HelpPlaceholderTests
{
    public static TheoryData<string> Commands()
    {
        var all = new TheoryData<string>();
        void Add(Command command, string path)
        {
            foreach (Command sub in command.Subcommands)
            {
                string subPath = (path + " " + sub.Name).Trim();
                all.Add(subPath);
                Add(sub, subPath);
            }
        }
        Add(MetaLearnCommand.Create(), "");
        return all;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void NoPlaceholderRepeatsItsOptionsName(string command)
    {
        (int exit, string help, _) = CliRunner.Run([.. command.Split(' '), "--help"]);
        Assert.Equal(0, exit);
        Assert.Empty(SelfNamed().Matches(help).Select(m => m.Value));
    }

    [Fact]
    public void DataDownloadSaysWhatEachOptionTakes()
    {
        (_, string help, _) = CliRunner.Run("data", "download", "--help");
        Assert.Contains("--to <dir> (REQUIRED)", help);
        Assert.Contains("--set <name>", help);
        Assert.Contains("--mirror <url>", help);
    }

    /// <summary>"--name &lt;name&gt;": the placeholder is the option's own name.</summary>
    [GeneratedRegex(@"--([a-z0-9-]+) <\1>")]
    private static partial Regex SelfNamed();
}

namespace MetaLearn.Cli.Tests;

/// <summary>
/// The help text is approval-tested: scripts and users rely on the commands and flags it lists. When a change to
/// the surface is intended, delete the approved file, run the tests once (it is written), review it, and commit it.
/// </summary>
public class HelpTextTests
{
    [Theory]
    [InlineData("root", new string[] { "--help" })]
    [InlineData("bench", new[] { "bench", "--help" })]
    [InlineData("data-verify", new[] { "data", "verify", "--help" })]
    [InlineData("data-download", new[] { "data", "download", "--help" })]
    [InlineData("train", new[] { "train", "--help" })]
    [InlineData("eval", new[] { "eval", "--help" })]
    [InlineData("classify", new[] { "classify", "--help" })]
    [InlineData("report", new[] { "report", "--help" })]
    [InlineData("learners", new[] { "learners", "--help" })]
    [InlineData("embed", new[] { "embed", "--help" })]
    public void HelpMatchesTheApprovedText(string name, string[] args)
    {
        (int exit, string output, _) = CliRunner.Run(args);
        Assert.Equal(0, exit);
        string approvedPath = Path.Combine(AppContext.BaseDirectory, "Approved", $"{name}.txt");
        string sourcePath = Path.Combine(SourceDirectory(), "Approved", $"{name}.txt");
        if (!File.Exists(approvedPath))
        {
            File.WriteAllText(sourcePath, output);
            Assert.Fail($"No approved help text for '{name}' yet; wrote {sourcePath}. Review and commit it.");
        }
        Assert.Equal(File.ReadAllText(approvedPath).Replace("\r\n", "\n"), output);
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}

using System.Text.Json;

namespace MetaLearn.Cli.Tests;

/// <summary>
/// <c>data verify DIR</c> on the folder that <c>--set data=DIR</c> takes (the Omniglot zips side by side) verifies
/// every set in it instead of reporting "0 classes" (issue 15). The folders hold symbolic links to the shared zips.
/// </summary>
public sealed class DataVerifyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("metalearn-verify").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Root(string name, params string[] stems)
    {
        string root = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        foreach (string stem in stems)
        {
            File.CreateSymbolicLink(Path.Combine(root, stem + ".zip"), CliRunner.OmniglotFile(stem + ".zip"));
        }
        return root;
    }

    [Fact]
    public void AnOmniglotRootHasBothSetsVerified()
    {
        string root = Root("data", "images_background", "images_evaluation");
        (int exit, string output, string error) = CliRunner.Run("data", "verify", root, "--decode", "20");
        Assert.True(exit == 0, output + error);
        string[] lines = output.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal($"Omniglot root {root} (images_background.zip, images_evaluation.zip): `--set data={root}` reads images_background and images_evaluation from it.", lines[0]);
        Assert.StartsWith($"zip {Path.Combine(root, "images_background.zip")} (Omniglot): 30 alphabets, 964 characters, 19280 drawings, 20 decoded, sha256 ", lines[1]);
        Assert.EndsWith("Match, OK", lines[1]);
        Assert.StartsWith($"zip {Path.Combine(root, "images_evaluation.zip")} (Omniglot): 20 alphabets, 659 characters, 13180 drawings, 20 decoded, sha256 ", lines[2]);
        Assert.EndsWith("Match, OK", lines[2]);
        Assert.DoesNotContain("0 classes", output);
    }

    [Fact]
    public void AnOmniglotRootInJsonListsEachSet()
    {
        string root = Root("data", "images_background", "images_evaluation");
        (int exit, string output, _) = CliRunner.Run("data", "verify", root, "--decode", "0", "--format", "json");
        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output.Trim());
        JsonElement r = json.RootElement;
        Assert.Equal(root, r.GetProperty("path").GetString());
        Assert.Equal("OmniglotRoot", r.GetProperty("layout").GetString());
        Assert.True(r.GetProperty("valid").GetBoolean());
        Assert.Equal(0, r.GetProperty("missing").GetArrayLength());
        JsonElement[] sets = [.. r.GetProperty("sets").EnumerateArray()];
        Assert.Equal([964, 659], sets.Select(s => s.GetProperty("classes").GetInt32()));
        Assert.Equal([19_280, 13_180], sets.Select(s => s.GetProperty("images").GetInt32()));
        Assert.All(sets, s => Assert.Equal("Omniglot", s.GetProperty("layout").GetString()));
        Assert.All(sets, s => Assert.Equal("Match", s.GetProperty("checksum").GetString()));
    }

    [Fact]
    public void ARootWithoutTheSetsTrainReadsSaysWhatIsMissing()
    {
        string root = Root("small", "images_background_small1");
        (int exit, string output, _) = CliRunner.Run("data", "verify", root, "--decode", "0");
        Assert.Equal(0, exit);
        Assert.StartsWith(
            $"Omniglot root {root} (images_background_small1.zip): `--set data={root}` reads images_background and images_evaluation, " +
            $"which are not here (as a zip or an extracted folder): fetch them with `metalearn data download omniglot --to {root}`.\n", output);
        Assert.Contains("5 alphabets, 136 characters, 2720 drawings", output);
    }

    [Fact]
    public void AFolderOfOtherZipsSaysTheyAreVerifiedByTheirOwnPath()
    {
        string root = Directory.CreateDirectory(Path.Combine(_dir, "zips")).FullName;
        File.CreateSymbolicLink(Path.Combine(root, "pets.zip"), CliRunner.OmniglotFile("images_background_small1.zip"));
        (int exit, string output, _) = CliRunner.Run("data", "verify", root);
        Assert.Equal(1, exit);
        Assert.Contains("NoImages: no class folder holds an image.", output);
        Assert.Contains("It holds zip files, which are not opened when a folder is verified: pets.zip. Verify a zip by its own path.", output);
    }
}

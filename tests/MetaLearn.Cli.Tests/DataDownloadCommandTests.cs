namespace MetaLearn.Cli.Tests;

/// <summary>
/// data download's errors speak of the command's own flags (--mirror, --to), never of the library's
/// DownloadOptions properties, and a bad --mirror is a usage error naming the flag (issue 15). No network is used.
/// </summary>
public sealed class DataDownloadCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("metalearn-download").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string SharedFolder => Path.GetDirectoryName(CliRunner.OmniglotFile("images_background_small1.zip"))!;

    private static void AssertNoLibraryNames(string error)
    {
        Assert.DoesNotContain("DownloadOptions", error);
        Assert.DoesNotContain("BaseUri", error);
        Assert.DoesNotContain("Overwrite", error);
        Assert.DoesNotContain("ExpectedSha256", error);
        Assert.DoesNotContain("DatasetVerifier", error);
    }

    [Fact]
    public void AnUnreachableServerSuggestsTheMirrorFlag()
    {
        (int exit, _, string error) = CliRunner.Run("data", "download", "omniglot", "--to", _dir, "--set", "background-small1", "--mirror", "http://127.0.0.1:9/");
        Assert.Equal(1, exit);
        Assert.Contains("data download: Download of http://127.0.0.1:9/images_background_small1.zip: cannot reach the server", error);
        Assert.Contains($"copy it to '{Path.Combine(_dir, "images_background_small1.zip")}', or pass --mirror", error);
        AssertNoLibraryNames(error);
    }

    [Fact]
    public void AMirrorFolderWithoutTheZipNamesTheMirrorFlag()
    {
        string empty = Directory.CreateDirectory(Path.Combine(_dir, "mirror")).FullName;
        (int exit, _, string error) = CliRunner.Run("data", "download", "omniglot", "--to", Path.Combine(_dir, "to"), "--set", "evaluation", "--mirror", empty);
        Assert.Equal(1, exit);
        Assert.Contains($"the local file '{Path.Combine(empty, "images_evaluation.zip")}' does not exist. Check the --mirror folder: it must hold images_evaluation.zip.", error);
        AssertNoLibraryNames(error);
    }

    [Fact]
    public void ADifferentFileAlreadyThereIsKeptAndTheMessageSaysWhatToDo()
    {
        string existing = Path.Combine(_dir, "images_background_small1.zip");
        File.WriteAllBytes(existing, [1, 2, 3]);
        (int exit, _, string error) = CliRunner.Run("data", "download", "omniglot", "--to", _dir, "--set", "background-small1", "--mirror", SharedFolder);
        Assert.Equal(1, exit);
        Assert.Contains($"'{existing}' already exists with SHA-256", error);
        Assert.Contains("Delete it and run the command again", error);
        AssertNoLibraryNames(error);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(existing));
    }

    [Theory]
    [InlineData("ftp://example.org/omniglot/")]
    [InlineData("mailto:someone@example.org")]
    public void AMirrorThatIsNeitherAWebAddressNorAFolderIsAUsageError(string mirror)
    {
        (int exit, _, string error) = CliRunner.Run("data", "download", "omniglot", "--to", _dir, "--mirror", mirror);
        Assert.Equal(2, exit);
        Assert.Contains($"--mirror must be an http(s) URL, or a folder (a path or file:// URL); got '{mirror}'.", error);
        Assert.DoesNotContain("unexpected error", error);
    }

    [Fact]
    public void AMirrorCanBeAFolderPathRelativeOrAbsolute()
    {
        foreach (string mirror in new[] { Path.GetRelativePath(Environment.CurrentDirectory, SharedFolder), SharedFolder })
        {
            string to = Path.Combine(_dir, Path.IsPathRooted(mirror) ? "absolute" : "relative");
            (int exit, string output, string error) = CliRunner.Run("data", "download", "omniglot", "--to", to, "--set", "background-small1", "--mirror", mirror);
            Assert.True(exit == 0, $"--mirror {mirror}: {error}");
            Assert.Contains("sha256 Match", output);
            Assert.True(File.Exists(Path.Combine(to, "images_background_small1.zip")));
        }
    }
}

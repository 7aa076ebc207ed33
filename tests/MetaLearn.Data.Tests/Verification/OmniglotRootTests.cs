using MetaLearn.Data;
using MetaLearn.Data.Tests.Omniglot;

namespace MetaLearn.Data.Tests.Verification;

/// <summary>
/// The folder that holds the Omniglot sets is recognised set by set, where OmniglotDataset would find them, and a
/// folder's own check says that the zips in it are not opened (issue 15). The zips are symbolic links to the shared ones.
/// </summary>
public sealed class OmniglotRootTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("omniglot-root").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SetsAreFoundAsZipsOrExtractedFoldersWithTheZipPreferred()
    {
        Assert.Empty(DatasetVerifier.FindOmniglotSets(_dir));

        File.CreateSymbolicLink(Path.Combine(_dir, "images_evaluation.zip"), OmniglotFiles.Zip("images_evaluation"));
        File.CreateSymbolicLink(Path.Combine(_dir, "images_background_small1.zip"), OmniglotFiles.Zip("images_background_small1"));
        Directory.CreateDirectory(Path.Combine(_dir, "images_background", "Alphabet", "character01"));
        Directory.CreateDirectory(Path.Combine(_dir, "images_evaluation")); // beside its zip: the zip is what is read
        Assert.Equal(
            [
                (OmniglotSet.Background, Path.Combine(_dir, "images_background")),
                (OmniglotSet.Evaluation, Path.Combine(_dir, "images_evaluation.zip")),
                (OmniglotSet.BackgroundSmall1, Path.Combine(_dir, "images_background_small1.zip")),
            ],
            DatasetVerifier.FindOmniglotSets(_dir));
        Assert.Equal(OmniglotSets.Locate(_dir, OmniglotSet.Evaluation), DatasetVerifier.FindOmniglotSets(_dir)[1].Path);
    }

    [Fact]
    public void AFolderOfZipsSaysTheyAreNotOpened()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "images_background_small2.zip"), OmniglotFiles.Zip("images_background_small2"));
        File.WriteAllText(Path.Combine(_dir, "README.md"), "the data");
        DatasetReport r = DatasetVerifier.Verify(_dir);
        DatasetProblem p = Assert.Single(r.Problems);
        Assert.Equal(DatasetProblemKind.NoImages, p.Kind);
        Assert.EndsWith("It holds zip files, which are not opened when a folder is verified: images_background_small2.zip. Verify a zip by its own path.", p.Message);
    }
}

using System.IO.Compression;
using MetaLearn.Data;

namespace MetaLearn.Data.Tests.Omniglot;

public sealed class OmniglotBadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("omniglot-bad").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MissingPathSaysWhereItLookedAndHowToGetTheData()
    {
        string missing = Path.Combine(_dir, "nope", "images_background.zip");
        var e = Assert.Throws<FileNotFoundException>(() => OmniglotDataset.Open(missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains("github.com/brendenlake/omniglot", e.Message);

        var byRoot = Assert.Throws<FileNotFoundException>(() => OmniglotDataset.Open(_dir, 28, OmniglotSet.Evaluation));
        Assert.Contains(Path.Combine(_dir, "images_evaluation.zip"), byRoot.Message);
        Assert.Contains(Path.Combine(_dir, "images_evaluation"), byRoot.Message);
    }

    [Fact]
    public void TruncatedZipIsNamed()
    {
        string path = Path.Combine(_dir, "images_background_small1.zip");
        byte[] bytes = File.ReadAllBytes(OmniglotFiles.Zip("images_background_small1"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => OmniglotDataset.Open(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("corrupt", e.Message);
    }

    [Fact]
    public void CorruptPngInsideTheZipNamesTheEntry()
    {
        string path = Path.Combine(_dir, "broken.zip");
        using (ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using Stream s = zip.CreateEntry("broken/Alpha/character01/0001_01.png").Open();
            s.Write("not a png at all"u8);
        }
        using OmniglotDataset data = OmniglotDataset.Open(path);
        var e = Assert.Throws<PngFormatException>(() => data.ReadSample(0, 0));
        Assert.Contains("broken/Alpha/character01/0001_01.png", e.Message);
        Assert.Contains("signature", e.Message);
    }

    [Fact]
    public void FolderWithoutDrawingsExplainsTheLayout()
    {
        File.WriteAllText(Path.Combine(_dir, "readme.txt"), "hello");
        var e = Assert.Throws<InvalidDataException>(() => OmniglotDataset.Open(_dir));
        Assert.Contains("no PNG drawings", e.Message);
        Assert.Contains("ALPHABET/characterNN", e.Message);
    }

    [Fact]
    public void OverlappingSetsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => OmniglotDataset.Open(OmniglotFiles.Zip("images_background_small1"), OmniglotFiles.Zip("images_background")));
        Assert.Contains("is in both", e.Message);
    }
}

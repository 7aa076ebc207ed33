using System.IO.Compression;
using MetaLearn.Data;

namespace MetaLearn.Data.Tests.Omniglot;

public class OmniglotDatasetTests
{
    private const string Drawing = "Balinese/character01";

    [Theory]
    [InlineData("images_background", 30, 964)]
    [InlineData("images_evaluation", 20, 659)]
    [InlineData("images_background_small1", 5, 136)]
    [InlineData("images_background_small2", 5, 156)]
    public void CountsMatchTheReadme(string stem, int alphabets, int characters)
    {
        // Opening reads only the zip's central directory; nothing is decoded.
        using OmniglotDataset data = OmniglotDataset.Open(OmniglotFiles.Zip(stem));
        Assert.Equal(alphabets, data.Alphabets.Count);
        Assert.Equal(characters, data.ClassCount);
        for (int c = 0; c < data.ClassCount; c++)
        {
            Assert.Equal(20, data.SampleCount(c));
        }
        Assert.Equal(stem, data.Character(0).Set);
        Assert.Equal(new[] { 1, 28, 28 }, data.SampleShape);
    }

    [Fact]
    public void BackgroundAndEvaluationOpenTogetherByRoot()
    {
        using OmniglotDataset data = OmniglotDataset.Open(OmniglotFiles.Root, 28, OmniglotSet.Background, OmniglotSet.Evaluation);
        Assert.Equal(1623, data.ClassCount);
        Assert.Equal(50, data.Alphabets.Count);
    }

    [Fact]
    public void KnownPixelsOfARealDrawing()
    {
        // Reference values from an independent pure-Python decode (zlib + the spec's unfilter) of
        // images_background_small1/Balinese/character01/0108_01.png.
        using OmniglotDataset data = OmniglotDataset.Open(105, OmniglotFiles.Zip("images_background_small1"));
        int c = ClassOf(data, Drawing);
        Assert.EndsWith("0108_01.png", data.Character(c).Drawings[0]);
        PngImage png = data.DecodeOriginal(c, 0);
        Assert.Equal((105, 105, 1, 1), (png.Width, png.Height, png.Channels, png.BitDepth));
        Assert.Equal(881, png.Samples.ToArray().Count(v => v == 0));
        Assert.Equal(0, png[64, 29]);
        Assert.Equal(1, png[63, 29]);
        int[] row50 = [25, 26, 27, 28, 29, 30, 45, 46, 47, 48, 49, 50, 51, 52, 53, 69, 70, 71, 72, 73, 74, 76, 77, 78, 79, 80];
        Assert.Equal(row50, Enumerable.Range(0, 105).Where(x => png[x, 50] == 0));

        // At full size a sample is the drawing with ink = 1.
        float[] full = data.ReadSample(c, 0);
        Assert.Equal(881, full.Sum());
        Assert.Equal(1f, full[(29 * 105) + 64]);
    }

    [Fact]
    public void AreaAveragedTo28MatchesTheReference()
    {
        using OmniglotDataset small = OmniglotDataset.Open(OmniglotFiles.Zip("images_background_small1"));
        using OmniglotDataset full = OmniglotDataset.Open(OmniglotFiles.Zip("images_background"));
        foreach (OmniglotDataset data in new[] { small, full })
        {
            float[] x = data.ReadSample(ClassOf(data, Drawing), 0);
            Assert.Equal(62.64889, x.Sum(), 3);
            Assert.Equal(0.97333, x[(14 * 28) + 14], 4);
            Assert.Equal(0f, x[(13 * 28) + 10]);
            Assert.Equal(1f, x[(10 * 28) + 20], 5);
        }
    }

    [Fact]
    public void DecodesAWholeSmallSetThroughTheCache()
    {
        using OmniglotDataset data = OmniglotDataset.Open(OmniglotFiles.Zip("images_background_small2"));
        var cached = new CachedDataset(data).Preload();
        Assert.Equal(3120, cached.TotalSamples());
        for (int c = 0; c < cached.ClassCount; c += 13)
        {
            for (int i = 0; i < 20; i++)
            {
                float[] x = cached.ReadSample(c, i);
                Assert.All(x, v => Assert.InRange(v, 0f, 1f));
                Assert.InRange(x.Sum(), 5f, 400f);
            }
        }
    }

    [Fact]
    public void ReadsAnExtractedFolderLikeTheZip()
    {
        string dir = Directory.CreateTempSubdirectory("omniglot-folder").FullName;
        try
        {
            using (ZipArchive zip = ZipFile.OpenRead(OmniglotFiles.Zip("images_background_small1")))
            {
                foreach (ZipArchiveEntry e in zip.Entries.Where(e => e.FullName.Contains("/Balinese/character0")))
                {
                    string target = Path.Combine(dir, e.FullName);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    if (!e.FullName.EndsWith('/'))
                    {
                        e.ExtractToFile(target);
                    }
                }
            }
            using OmniglotDataset folder = OmniglotDataset.Open(dir);
            using OmniglotDataset zipped = OmniglotDataset.Open(OmniglotFiles.Zip("images_background_small1"));
            Assert.Equal(9, folder.ClassCount);
            Assert.Equal("images_background_small1", folder.Character(0).Set);
            Assert.Equal(zipped.ReadSample(ClassOf(zipped, Drawing), 3), folder.ReadSample(ClassOf(folder, Drawing), 3));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static int ClassOf(OmniglotDataset data, string key) =>
        Enumerable.Range(0, data.ClassCount).Single(c => data.ClassName(c) == key);
}

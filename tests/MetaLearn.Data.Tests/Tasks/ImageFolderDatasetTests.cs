using MetaLearn.Data;
using MetaLearn.Data.Tests.Imaging;
using MetaLearn.Tensors;

namespace MetaLearn.Data.Tests.Tasks;

public sealed class ImageFolderDatasetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("image-folder").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void WriteRgb(string cls, string file, int w, int h, byte r, byte g, byte b)
    {
        Directory.CreateDirectory(Path.Combine(_root, cls));
        var samples = new ushort[w * h * 3];
        for (int p = 0; p < w * h; p++)
        {
            (samples[3 * p], samples[(3 * p) + 1], samples[(3 * p) + 2]) = (r, g, b);
        }
        File.WriteAllBytes(Path.Combine(_root, cls, file), PngTestEncoder.Encode(w, h, PngColorType.Rgb, 8, samples));
    }

    [Fact]
    public void ReadsClassesFromSubFolders()
    {
        WriteRgb("dog", "a.png", 4, 4, 255, 0, 0);
        WriteRgb("cat", "b.png", 4, 4, 0, 0, 255);
        WriteRgb("cat", "a.png", 4, 4, 0, 255, 0);
        File.WriteAllText(Path.Combine(_root, "cat", "notes.txt"), "skipped");

        ImageFolderDataset gray = ImageFolderDataset.Open(_root);
        Assert.Equal(new[] { "cat", "dog" }, Enumerable.Range(0, gray.ClassCount).Select(gray.ClassName));
        Assert.Equal(2, gray.SampleCount(0));
        Assert.EndsWith("a.png", gray.FilePath(0, 0));
        Assert.Equal(new[] { 1, 4, 4 }, gray.SampleShape);
        Assert.Equal(0.587f, gray.ReadSample(0, 0)[5], 4);

        ImageFolderDataset rgb = ImageFolderDataset.Open(_root, grayscale: false, imageSize: 2);
        Assert.Equal(new[] { 3, 2, 2 }, rgb.SampleShape);
        Assert.Equal(new float[] { 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 }, rgb.ReadSample(1, 0));

        FewShotTask task = new TaskSampler(rgb, new NWays(2), new KShots(1, 0), new RemapLabels()).Sample(new Rng(0));
        Assert.Equal(new[] { 2, 3, 2, 2 }, task.SupportInputs.Shape.ToArray());
    }

    [Fact]
    public void BadFoldersAreClearErrors()
    {
        string missing = Path.Combine(_root, "missing");
        Assert.Contains(missing, Assert.Throws<DirectoryNotFoundException>(() => ImageFolderDataset.Open(missing)).Message);
        Assert.Contains("no sub-folders", Assert.Throws<InvalidDataException>(() => ImageFolderDataset.Open(_root)).Message);

        WriteRgb("cat", "a.png", 4, 4, 1, 2, 3);
        Directory.CreateDirectory(Path.Combine(_root, "empty"));
        var empty = Assert.Throws<InvalidDataException>(() => ImageFolderDataset.Open(_root));
        Assert.Contains(Path.Combine(_root, "empty"), empty.Message);
        Assert.Contains("no PNG files", empty.Message);

        Directory.Delete(Path.Combine(_root, "empty"));
        File.WriteAllBytes(Path.Combine(_root, "cat", "photo.JPG"), [1]);
        Assert.Contains("photo.JPG", Assert.Throws<InvalidDataException>(() => ImageFolderDataset.Open(_root)).Message);

        File.Delete(Path.Combine(_root, "cat", "photo.JPG"));
        WriteRgb("cat", "b.png", 5, 4, 1, 2, 3);
        ImageFolderDataset data = ImageFolderDataset.Open(_root);
        var size = Assert.Throws<InvalidDataException>(() => data.ReadSample(0, 1));
        Assert.Contains("b.png", size.Message);
        Assert.Contains("imageSize", size.Message);

        var shots = Assert.Throws<ArgumentException>(() => new TaskSampler(data, new NWays(1), new KShots(2, 1)));
        Assert.Contains("class 'cat'", shots.Message);
        Assert.Contains("has 2 samples", shots.Message);
    }
}

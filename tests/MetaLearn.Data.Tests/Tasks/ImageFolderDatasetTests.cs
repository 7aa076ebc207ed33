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

    private string WriteImage(string relative, ImageFormat format, byte[] gray, int size)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, TestImages.Encode(format, gray, size, size));
        return path;
    }

    [Fact]
    public void ReadsEveryImageFormatInAnyLetterCase()
    {
        // Before: the JPEG made Open fail ("is not a PNG"), and the BMP, GIF and TGA were skipped without a word.
        byte[] gray = TestImages.Drawing(12);
        WriteImage(Path.Combine("a", "x.PNG"), ImageFormat.Png, gray, 12);
        WriteImage(Path.Combine("a", "y.jpg"), ImageFormat.Jpeg, gray, 12);
        WriteImage(Path.Combine("a", "z.Bmp"), ImageFormat.Bmp, gray, 12);
        WriteImage(Path.Combine("b", "g.GIF"), ImageFormat.Gif, gray, 12);
        WriteImage(Path.Combine("b", "j.JPEG"), ImageFormat.Jpeg, gray, 12);
        WriteImage(Path.Combine("b", "sub", "t.tga"), ImageFormat.Tga, gray, 12);

        ImageFolderDataset data = ImageFolderDataset.Open(_root);
        Assert.Equal((2, 3, 3), (data.ClassCount, data.SampleCount(0), data.SampleCount(1)));
        float[] expected = [.. gray.Select(v => (float)(v / 255.0))];
        foreach (var (c, i) in new[] { (0, 0), (0, 2), (1, 0), (1, 2) })
        {
            Assert.Equal(expected, data.ReadSample(c, i));
        }
        Assert.EndsWith("j.JPEG", data.FilePath(1, 1));
        Assert.True(expected.Zip(data.ReadSample(1, 1)).All(p => Math.Abs(p.First - p.Second) <= 2 / 255f));
    }

    [Fact]
    public void HiddenFilesAndFoldersAreNeitherClassesNorImages()
    {
        byte[] gray = TestImages.Drawing(8);
        WriteImage(Path.Combine("cat", "a.png"), ImageFormat.Png, gray, 8);
        WriteImage(Path.Combine(".hidden", "b.png"), ImageFormat.Png, gray, 8);
        WriteImage(Path.Combine("cat", ".thumbnails", "c.png"), ImageFormat.Png, gray, 8);
        File.WriteAllBytes(Path.Combine(_root, "cat", ".DS_Store"), [0, 0, 0, 1, 66, 117, 100, 49]);
        File.WriteAllBytes(Path.Combine(_root, "cat", "._a.png"), [0, 5, 22, 7, 0, 2, 0, 0]); // a macOS AppleDouble file
        File.WriteAllText(Path.Combine(_root, "cat", "notes.txt"), "not an image");

        ImageFolderDataset data = ImageFolderDataset.Open(_root);
        Assert.Equal(["cat"], Enumerable.Range(0, data.ClassCount).Select(data.ClassName));
        Assert.Equal(1, data.SampleCount(0));
        Assert.EndsWith("a.png", data.FilePath(0, 0));
    }

    [Fact]
    public void ClassesAndFilesAreInOrdinalOrder()
    {
        byte[] gray = TestImages.Drawing(4);
        foreach (string cls in new[] { "b", "B", "a" })
        {
            foreach (string file in new[] { "b.png", "a10.png", "B.png", "a2.JPG" })
            {
                WriteImage(Path.Combine(cls, file), file.EndsWith(".png", StringComparison.Ordinal) ? ImageFormat.Png : ImageFormat.Jpeg, gray, 4);
            }
        }
        ImageFolderDataset data = ImageFolderDataset.Open(_root, imageSize: 4);
        Assert.Equal(["B", "a", "b"], Enumerable.Range(0, data.ClassCount).Select(data.ClassName));
        Assert.Equal(["B.png", "a10.png", "a2.JPG", "b.png"], Enumerable.Range(0, 4).Select(i => Path.GetFileName(data.FilePath(2, i))));
    }

    [Fact]
    public void AnImageThatDoesNotDecodeIsAnErrorNamingIt()
    {
        WriteImage(Path.Combine("cat", "a.png"), ImageFormat.Png, TestImages.Drawing(8), 8);
        File.WriteAllText(Path.Combine(_root, "cat", "b.jpg"), "<html>a saved web page</html>");
        ImageFolderDataset data = ImageFolderDataset.Open(_root, imageSize: 8);
        Assert.Equal(2, data.SampleCount(0));
        var e = Assert.Throws<ImageFormatException>(() => data.ReadSample(0, 1));
        Assert.Contains(Path.Combine(_root, "cat", "b.jpg"), e.Message);
        Assert.Contains("the name says JPEG", e.Message);
    }

    [Fact]
    public void UndecodedImageFormatsAreRefusedNotSkipped()
    {
        WriteImage(Path.Combine("cat", "a.png"), ImageFormat.Png, TestImages.Drawing(8), 8);
        string webp = Path.Combine(_root, "cat", "b.webp");
        File.WriteAllBytes(webp, [.. "RIFF"u8, 36, 0, 0, 0, .. "WEBPVP8 "u8, .. new byte[32]]);
        var e = Assert.Throws<ImageFormatException>(() => ImageFolderDataset.Open(_root));
        Assert.Contains(webp, e.Message);
        Assert.Contains("WebP", e.Message);
        Assert.Contains("Convert it to PNG", e.Message);

        // Named like a HEIC but the bytes are a PNG: read, by the bytes.
        File.Delete(webp);
        WriteImage(Path.Combine("cat", "c.HEIC"), ImageFormat.Png, TestImages.Drawing(8), 8);
        Assert.Equal(2, ImageFolderDataset.Open(_root).SampleCount(0));
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
        Assert.Contains("no images", empty.Message);
        Assert.Contains(".png, .jpg, .jpeg, .bmp, .gif, .tga", empty.Message);

        Directory.Delete(Path.Combine(_root, "empty"));
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

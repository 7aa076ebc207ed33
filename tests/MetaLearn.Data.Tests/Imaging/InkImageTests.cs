using System.IO.Compression;
using MetaLearn.Data.Tests.Omniglot;

namespace MetaLearn.Data.Tests.Imaging;

public sealed class InkImageTests : IDisposable
{
    private const int Side = 64;

    private readonly string _dir = Directory.CreateTempSubdirectory("ink-image").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private float[] Ink(ImageFormat format, byte[] gray, string name, int quality = 100) =>
        InkImage.FromFile(Write(name, TestImages.Encode(format, gray, Side, Side, jpegQuality: quality)));

    [Theory]
    [InlineData(ImageFormat.Png)]
    [InlineData(ImageFormat.Bmp)]
    [InlineData(ImageFormat.Gif)]
    [InlineData(ImageFormat.Tga)]
    public void BlackOnWhiteAndWhiteOnBlackGiveIdenticalInk(ImageFormat format)
    {
        byte[] drawing = TestImages.Drawing(Side);
        float[] dark = Ink(format, drawing, "dark-on-light"), light = Ink(format, TestImages.Negative(drawing), "light-on-dark");
        Assert.Equal(dark, light);
        Assert.Equal(InkImage.DefaultSize * InkImage.DefaultSize, dark.Length);
        Assert.InRange(dark.Max(), 0.5f, 1f);
        Assert.Equal(0f, dark[0]); // the corner is background
    }

    [Fact]
    public void EveryFormatGivesTheSameInk()
    {
        byte[] drawing = TestImages.Drawing(Side);
        float[] png = Ink(ImageFormat.Png, drawing, "a.png");
        Assert.Equal(png, Ink(ImageFormat.Bmp, drawing, "a.bmp"));
        Assert.Equal(png, Ink(ImageFormat.Gif, drawing, "a.gif"));
        Assert.Equal(png, Ink(ImageFormat.Tga, drawing, "a.tga"));
    }

    [Theory]
    [InlineData(100, 0.003f)]
    [InlineData(90, 0.016f)]
    public void JpegGivesNearlyTheSameInk(int quality, float tolerance)
    {
        // JPEG is lossy. Measured largest difference from the PNG's 28x28 ink (both polarities alike): 0.0014 at
        // quality 100, 0.0052 at 95, 0.0079 at 90, 0.0143 at 75. The bounds are about twice that, for another
        // encoder's rounding; 0.003 is under one 8-bit gray level (1/255 = 0.0039).
        byte[] drawing = TestImages.Drawing(Side);
        float[] png = Ink(ImageFormat.Png, drawing, "a.png");
        foreach (byte[] version in new[] { drawing, TestImages.Negative(drawing) })
        {
            float[] jpeg = Ink(ImageFormat.Jpeg, version, "a.jpg", quality);
            float worst = png.Zip(jpeg).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(worst <= tolerance, $"JPEG quality {quality} ink differs from the PNG's by up to {worst}.");
        }
    }

    [Fact]
    public void StrokesOnATransparentBackgroundAreInkOnPaper()
    {
        // Drawing apps export black strokes whose coverage is in alpha, over transparent black.
        byte[] drawing = TestImages.Drawing(Side);
        var rgba = new byte[4 * drawing.Length];
        for (int p = 0; p < drawing.Length; p++)
        {
            rgba[(4 * p) + 3] = (byte)(255 - drawing[p]);
        }
        float[] transparent = InkImage.FromFile(Write("strokes.png", TestImages.Encode(ImageFormat.Png, rgba, Side, Side, channels: 4)));
        Assert.Equal(Ink(ImageFormat.Png, drawing, "paper.png"), transparent);
    }

    [Fact]
    public void OmniglotDrawingsGiveExactlyTheDatasetSample()
    {
        string zipPath = OmniglotFiles.Zip("images_background_small1");
        using OmniglotDataset data = OmniglotDataset.Open(zipPath);
        using ZipArchive zip = ZipFile.OpenRead(zipPath);
        var sample = new float[28 * 28];
        foreach (var (c, i) in new[] { (0, 0), (3, 7), (50, 19), (135, 4) })
        {
            using Stream s = zip.GetEntry(data.Character(c).Drawings[i])!.Open();
            DecodedImage image = ImageDecoder.Decode(s, data.Character(c).Drawings[i]);
            data.ReadSample(c, i, sample);
            var ink = new float[28 * 28];
            Assert.Equal(ImageBackground.Light, InkImage.FromImage(image, ink));
            Assert.Equal(sample, ink);
        }
    }

    [Theory]
    [InlineData(100)]
    [InlineData(75)]
    [InlineData(50)]
    public void OmniglotDrawingsSavedAsJpegGiveExactlyTheDatasetSample(int quality)
    {
        string zipPath = OmniglotFiles.Zip("images_background_small1");
        using OmniglotDataset data = OmniglotDataset.Open(zipPath);
        using ZipArchive zip = ZipFile.OpenRead(zipPath);
        var sample = new float[28 * 28];
        foreach (var (c, i) in new[] { (0, 0), (3, 7), (50, 19), (135, 4) })
        {
            using Stream s = zip.GetEntry(data.Character(c).Drawings[i])!.Open();
            DecodedImage png = ImageDecoder.Decode(s, data.Character(c).Drawings[i]);
            byte[] gray = [.. png.ToGray().Select(v => (byte)Math.Round(v * 255))];
            foreach (byte[] version in new[] { gray, TestImages.Negative(gray) })
            {
                byte[] jpeg = TestImages.Encode(ImageFormat.Jpeg, version, png.Width, png.Height, jpegQuality: quality);
                data.ReadSample(c, i, sample);
                Assert.Equal(sample, InkImage.FromImage(ImageDecoder.Decode(new MemoryStream(jpeg), "drawing.jpg")));
            }
        }
    }

    [Fact]
    public void OnlyTwoLevelImagesAreSnapped()
    {
        float[] drawing = [.. TestImages.Drawing(Side).Select(v => v / 255f)]; // anti-aliased: about 12% mid-tones
        float[] before = [.. drawing];
        Assert.False(InkImage.SnapTwoLevel(drawing));
        Assert.Equal(before, drawing);

        float[] noisy = [.. Enumerable.Range(0, 1000).Select(i => i % 10 == 0 ? 0.9f : 0.05f)];
        noisy[3] = 0.6f; // 0.1% mid-tones: still a two-level drawing
        Assert.True(InkImage.SnapTwoLevel(noisy));
        Assert.All(noisy, v => Assert.True(v is 0f or 1f));
        Assert.Equal(1f, noisy[3]);
        Assert.Equal(101, noisy.Count(v => v == 1f));
    }

    [Fact]
    public void SizesAreChosenAndChecked()
    {
        byte[] drawing = TestImages.Drawing(20);
        string path = Write("d.png", TestImages.Encode(ImageFormat.Png, drawing, 20, 20));
        Assert.Equal(drawing.Select(v => (float)((255 - v) / 255.0)), InkImage.FromFile(path, size: 20));
        Assert.Equal(10 * 10, InkImage.FromFile(path, size: 10).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => InkImage.FromFile(path, size: 0));
        var e = Assert.Throws<ArgumentException>(() => InkImage.FromImage(ImageDecoder.DecodeFile(path), new float[5], 3));
        Assert.Contains("a 3x3 ink image needs 9", e.Message);
    }
}

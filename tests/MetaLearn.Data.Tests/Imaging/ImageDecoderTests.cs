using System.IO.Compression;
using MetaLearn.Data.Tests.Omniglot;

namespace MetaLearn.Data.Tests.Imaging;

public sealed class ImageDecoderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("image-decoder").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(ImageFormat.Png)]
    [InlineData(ImageFormat.Bmp)]
    [InlineData(ImageFormat.Gif)]
    [InlineData(ImageFormat.Tga)]
    public void LosslessFormatsGiveTheStoredGrayExactly(ImageFormat format)
    {
        byte[] gray = TestImages.Drawing(33);
        DecodedImage image = ImageDecoder.DecodeFile(Write("drawing" + format, TestImages.Encode(format, gray, 33, 33)));

        Assert.Equal(format, image.Format);
        Assert.Equal((33, 33, 8), (image.Width, image.Height, image.BitDepth));
        // BMP is written as RGB and GIF decodes as RGBA; a gray pixel stored either way gives the same float.
        Assert.Equal(gray.Select(v => (float)(v / 255.0)), image.ToGray());
    }

    [Fact]
    public void ColourAndAlphaSurviveEveryLosslessFormat()
    {
        byte[] rgba = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 0, 10, 20, 30, 128];
        foreach (ImageFormat format in new[] { ImageFormat.Png, ImageFormat.Tga })
        {
            DecodedImage image = ImageDecoder.Decode(TestImages.Encode(format, rgba, 2, 2, channels: 4), format.ToString());
            Assert.Equal(4, image.Channels);
            Assert.Equal(rgba.Select(v => (ushort)v), image.Samples.ToArray());
            float[] gray = image.ToGray();
            Assert.Equal((float)(0.299), gray[0], 6);
            Assert.Equal(1f, gray[2]); // transparent blue is white paper
        }
    }

    [Fact]
    public void JpegDecodesCloseToTheOriginal()
    {
        byte[] gray = TestImages.Drawing(32);
        DecodedImage image = ImageDecoder.Decode(TestImages.Encode(ImageFormat.Jpeg, gray, 32, 32, jpegQuality: 100), "drawing.jpg");
        Assert.Equal(ImageFormat.Jpeg, image.Format);
        float[] decoded = image.ToGray();
        // Measured: at most 1/255 off at quality 100 (StbImageWriteSharp's encoder, StbImageSharp's decoder).
        float worst = gray.Select((v, i) => Math.Abs((v / 255f) - decoded[i])).Max();
        Assert.True(worst <= 2 / 255f, $"JPEG quality 100 differs from the original by up to {worst} at some pixel.");
    }

    [Fact]
    public void GifDecodesItsFirstFrame()
    {
        byte[] first = [.. Enumerable.Range(0, 600).Select(i => (byte)(i % 251))];
        byte[] second = [.. first.Select(v => (byte)(255 - v))];
        DecodedImage image = ImageDecoder.Decode(GifTestEncoder.Encode(30, 20, first, second), "two-frames.gif");
        Assert.Equal((ImageFormat.Gif, 30, 20, 4), (image.Format, image.Width, image.Height, image.Channels));
        Assert.Equal(first.Select(v => (float)(v / 255.0)), image.ToGray());
    }

    [Fact]
    public void TheFormatComesFromTheBytesNotTheName()
    {
        byte[] gray = TestImages.Drawing(16);
        // The CLI's old path called a JPEG named .png a damaged PNG; upper-case and missing extensions are no matter.
        Assert.Equal(ImageFormat.Jpeg, ImageDecoder.DecodeFile(Write("photo.png", TestImages.Encode(ImageFormat.Jpeg, gray, 16, 16))).Format);
        Assert.Equal(ImageFormat.Png, ImageDecoder.DecodeFile(Write("scan.JPG", TestImages.Encode(ImageFormat.Png, gray, 16, 16))).Format);
        Assert.Equal(ImageFormat.Bmp, ImageDecoder.DecodeFile(Write("noextension", TestImages.Encode(ImageFormat.Bmp, gray, 16, 16))).Format);
        using var stream = new MemoryStream(TestImages.Encode(ImageFormat.Gif, gray, 16, 16));
        Assert.Equal(ImageFormat.Gif, ImageDecoder.Decode(stream).Format);
    }

    public static TheoryData<string, byte[], ImageFormat> Unsupported() => new()
    {
        { "scan.tif", [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0], ImageFormat.Tiff },
        { "scan.tiff", [(byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8], ImageFormat.Tiff },
        { "web.webp", [.. "RIFF"u8, 36, 0, 0, 0, .. "WEBPVP8 "u8], ImageFormat.WebP },
        { "IMG_0001.HEIC", [0, 0, 0, 24, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8], ImageFormat.Heif },
        { "photo.avif", [0, 0, 0, 28, .. "ftypmif1"u8, 0, 0, 0, 0, .. "mif1avifmiaf"u8], ImageFormat.Avif },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void RecognisedButUndecodedFormatsSayConvertToPng(string name, byte[] header, ImageFormat format)
    {
        string path = Write(name, [.. header, .. new byte[64]]);
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.DecodeFile(path));
        Assert.Equal(format, e.Format);
        Assert.Contains(path, e.Message);
        Assert.Contains(format == ImageFormat.Heif ? "HEIC" : format.ToString().ToUpperInvariant(), e.Message.ToUpperInvariant());
        Assert.Contains("Convert it to PNG", e.Message);
    }

    [Fact]
    public void BytesThatAreNoImageNameTheFileAndWhatItsNameClaimed()
    {
        string html = Write("cat.png", "<!DOCTYPE html><html>not a picture</html>"u8.ToArray());
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.DecodeFile(html));
        Assert.IsAssignableFrom<IOException>(e);
        Assert.Equal(ImageFormat.Unknown, e.Format);
        Assert.Contains(html, e.Message);
        Assert.Contains("the name says PNG (.png)", e.Message);
        Assert.Contains("not a PNG, JPEG, BMP, GIF or TGA image", e.Message);
        Assert.Contains("\"<!DOCTYP\"", e.Message);
        Assert.Contains("export it as PNG", e.Message);

        string empty = Write("empty.jpg", []);
        Assert.Contains("empty (0 bytes)", Assert.Throws<ImageFormatException>(() => ImageDecoder.DecodeFile(empty)).Message);
    }

    [Fact]
    public void DamagedFilesNameTheirFormatAndTheFile()
    {
        string jpeg = Write("broken.jpg", [0xFF, 0xD8, 0xFF, 0xE0, .. new byte[40]]);
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.DecodeFile(jpeg));
        Assert.Equal(ImageFormat.Jpeg, e.Format);
        Assert.StartsWith($"JPEG '{jpeg}': the bytes start like a JPEG but cannot be decoded", e.Message);

        // PNG errors still come from the own decoder, with its detail and its exception type.
        byte[] png = TestImages.Encode(ImageFormat.Png, TestImages.Drawing(8), 8, 8);
        png[^5] ^= 0xFF;
        var p = Assert.Throws<PngFormatException>(() => ImageDecoder.Decode(png, "drawing.png"));
        Assert.Equal(ImageFormat.Png, p.Format);
        Assert.Contains("CRC", p.Message);
    }

    [Fact]
    public void MissingFilesAndFoldersAreClearErrors()
    {
        string missing = Path.Combine(_dir, "missing.png");
        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => ImageDecoder.DecodeFile(missing)).Message);
        Assert.Contains("is a folder", Assert.Throws<FileNotFoundException>(() => ImageDecoder.DecodeFile(_dir)).Message);
    }

    [Fact]
    public void DetectionNeedsMoreThanAFewLuckyBytes()
    {
        Assert.Equal(ImageFormat.Unknown, ImageDecoder.DetectFormat("BM but not a bitmap"u8));
        Assert.Equal(ImageFormat.Unknown, ImageDecoder.DetectFormat([0, 0, 0, 24, .. "ftypisom"u8, 0, 0, 0, 0, .. "isomavc1"u8]));
        Assert.Equal(ImageFormat.Unknown, ImageDecoder.DetectFormat("plain text that happens to be long"u8));
        Assert.Equal(ImageFormat.Unknown, ImageDecoder.DetectFormat([]));
        // A TGA header: no colour map, uncompressed gray, 3x2 pixels at 8 bits.
        byte[] tga = [0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 2, 0, 8, 0];
        Assert.Equal(ImageFormat.Tga, ImageDecoder.DetectFormat(tga));
        tga[16] = 7;
        Assert.Equal(ImageFormat.Unknown, ImageDecoder.DetectFormat(tga));
    }

    [Fact]
    public void OmniglotDrawingsDecodeIdenticallyWithStbImageSharp()
    {
        // The own decoder is kept for PNG because it is faster (docs/images.md); this pins that swapping it for
        // StbImageSharp would change no pixel. The bench checks all 19,280 background drawings.
        using ZipArchive zip = ZipFile.OpenRead(OmniglotFiles.Zip("images_background_small1"));
        int compared = 0;
        foreach (ZipArchiveEntry entry in zip.Entries.Where(e => e.FullName.EndsWith(".png", StringComparison.Ordinal)).Take(200).Where((_, i) => i % 10 == 0))
        {
            using var s = entry.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            byte[] bytes = m.ToArray();
            DecodedImage own = ImageDecoder.Decode(bytes, entry.FullName);
            DecodedImage stb = StbDecoding.Decode(bytes, ImageFormat.Png, entry.FullName);
            Assert.Equal((1, 1), (own.Channels, own.BitDepth));
            Assert.Equal((own.Width, own.Height, own.Channels), (stb.Width, stb.Height, stb.Channels));
            Assert.Equal(own.ToGray(), stb.ToGray());
            Assert.Contains(own.ToGray(), v => v == 0f);
            compared++;
        }
        Assert.Equal(20, compared);
    }

    [Fact]
    public void BothPngDecodersAgreeOnColourAndAlpha()
    {
        byte[] rgba = [.. Enumerable.Range(0, 7 * 5 * 4).Select(i => (byte)((i * 37) % 256))];
        byte[] png = TestImages.Encode(ImageFormat.Png, rgba, 7, 5, channels: 4);
        DecodedImage own = ImageDecoder.Decode(png), stb = StbDecoding.Decode(png, ImageFormat.Png, "(bytes)");
        Assert.Equal(own.Samples.ToArray(), stb.Samples.ToArray());
        Assert.Equal(own.ToGray(), stb.ToGray());
        Assert.Equal(own.ToRgbPlanes(), stb.ToRgbPlanes());
    }
}

using MetaLearn.Data;
using MetaLearn.Data.Tests.Imaging;

namespace MetaLearn.Data.Tests.Verification;

/// <summary>
/// Verifying a folder of one's own images follows the reader's rule (<see cref="ImageFiles"/>): PNG, JPEG, BMP, GIF
/// and TGA in any letter case count, hidden files and folders are skipped, and a file that does not decode is
/// reported by name (issue 15).
/// </summary>
public sealed class ImageFolderFormatTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("verify-formats").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string relative, byte[] bytes)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    private static byte[] Image(ImageFormat format) => TestImages.Encode(format, TestImages.Drawing(12), 12, 12);

    [Fact]
    public void EverySupportedFormatCountsAndHiddenFilesAreSkippedAsTheReaderDoes()
    {
        Write("cat/1.png", Image(ImageFormat.Png));
        Write("cat/2.JPG", Image(ImageFormat.Jpeg));
        Write("cat/3.bmp", Image(ImageFormat.Bmp));
        Write("dog/1.gif", Image(ImageFormat.Gif));
        Write("dog/2.tga", Image(ImageFormat.Tga));
        Write("dog/3.jpeg", Image(ImageFormat.Jpeg));
        Write("dog/deeper/4.PNG", Image(ImageFormat.Png));
        Write("dog/5.webp", Image(ImageFormat.Png)); // named WebP, but the bytes are a PNG: the reader keeps it
        // Hidden files and folders, which the reader skips: none of these would decode.
        Write("cat/.DS_Store", [0, 0, 0, 1]);
        Write("cat/._1.png", [0, 5, 22, 7]);
        Write("dog/.cache/x.png", [1, 2, 3]);
        Write(".thumbnails/a.png", [1, 2, 3]);
        Write("cat/notes.txt", "not an image"u8.ToArray());

        DatasetReport r = DatasetVerifier.Verify(_dir, new DatasetVerifyOptions { DecodeCount = DatasetVerifyOptions.All });
        Assert.True(r.IsValid, r.ToString());
        Assert.Equal(DatasetLayout.ImageFolder, r.Layout);
        Assert.Equal((2, 8, 3, 5, 8), (r.Classes, r.Images, r.MinImagesPerClass, r.MaxImagesPerClass, r.Decoded));
        Assert.Equal(5, r.IgnoredFiles);

        ImageFolderDataset dataset = ImageFolderDataset.Open(_dir, grayscale: true, imageSize: 12);
        Assert.Equal(r.Classes, dataset.ClassCount);
        Assert.Equal(r.Images, Enumerable.Range(0, dataset.ClassCount).Sum(dataset.SampleCount));
    }

    [Fact]
    public void AFileThatDoesNotDecodeIsReportedByName()
    {
        Write("cat/1.png", Image(ImageFormat.Png));
        Write("cat/2.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x02, 0x00]);
        Write("dog/1.bmp", Image(ImageFormat.Bmp));
        Write("dog/2.gif", [.. "<!DOCTYPE html>"u8]);
        Write("dog/3.webp", [.. "RIFF"u8, 36, 0, 0, 0, .. "WEBPVP8 "u8]);

        DatasetReport r = DatasetVerifier.Verify(_dir, new DatasetVerifyOptions { DecodeCount = DatasetVerifyOptions.All });
        Assert.Equal((2, 4, 4), (r.Classes, r.Images, r.Decoded));
        Assert.Equal(
            [(DatasetProblemKind.UnsupportedImage, "dog/3.webp"), (DatasetProblemKind.UndecodableImage, "cat/2.jpg"), (DatasetProblemKind.UndecodableImage, "dog/2.gif")],
            r.Problems.Select(p => (p.Kind, p.Path)));
        Assert.Contains($"'{Path.Combine(_dir, "dog", "3.webp")}'", r.Problems[0].Message);
        Assert.Contains("Convert it to PNG", r.Problems[0].Message);
        Assert.StartsWith($"JPEG '{Path.Combine(_dir, "cat", "2.jpg")}'", r.Problems[1].Message);
        Assert.Contains("the name says GIF (.gif) but the bytes are not", r.Problems[2].Message);
        Assert.DoesNotContain(r.Problems, p => p.Kind is DatasetProblemKind.NotPng or DatasetProblemKind.UndecodablePng);

        // The reader refuses the same folder, for the same file.
        var refused = Assert.Throws<ImageFormatException>(() => ImageFolderDataset.Open(_dir, imageSize: 12));
        Assert.Equal(ImageFormat.WebP, refused.Format);
    }

    [Fact]
    public void StrayImagesAndClassesWithOnlyHiddenFilesAreNamed()
    {
        Write("cat/1.jpg", Image(ImageFormat.Jpeg));
        Write("stray.JPEG", Image(ImageFormat.Jpeg));
        Write(".hidden-at-root.png", [1]);
        Write("dog/.DS_Store", [1]);

        DatasetReport r = DatasetVerifier.Verify(_dir);
        Assert.Equal((1, 1), (r.Classes, r.Images));
        Assert.Equal([(DatasetProblemKind.MisplacedFile, "stray.JPEG"), (DatasetProblemKind.EmptyClass, "dog")], r.Problems.Select(p => (p.Kind, p.Path)));
        Assert.Contains(".png, .jpg, .jpeg, .bmp, .gif, .tga", r.Problems[1].Message);
    }
}

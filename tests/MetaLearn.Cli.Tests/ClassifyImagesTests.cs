using System.IO.Compression;
using System.Text.Json;
using MetaLearn.Data;
using MetaLearn.Data.Tests.Imaging;

namespace MetaLearn.Cli.Tests;

/// <summary>
/// classify on the images people have (issue 15, items 1 and 2): real Omniglot drawings saved as PNG, upper-case .PNG,
/// JPEG (qualities 100 and 75), BMP and GIF, and as white-on-black negatives, get the same class and the same confidence,
/// whether each is classified alone or in any batch; hidden files are not classes or images.
/// </summary>
public class ClassifyImagesTests
{
    [Fact]
    public void EveryFormatAndPolarityOfADrawingGetsTheSameAnswerAloneOrInAnyBatch()
    {
        string dir = Path.Combine(Path.GetTempPath(), "metalearn-classify-" + Guid.NewGuid().ToString("N"));
        string data = Path.GetDirectoryName(CliRunner.OmniglotFile("images_evaluation.zip"))!;
        string run = Path.Combine(dir, "run");
        (int exit, _, string error) = CliRunner.Run("train", "--preset", "protonet-omniglot-5w1s", "--out", run, "--steps", "3",
            "--set", $"data={data}", "--set", "train_ways=5", "--set", "validation_interval=0", "--set", "test_episodes=0");
        Assert.True(exit == 0, error);
        string checkpoint = Path.Combine(run, "last.safetensors");

        string support = Path.Combine(dir, "support"), queries = Path.Combine(dir, "queries");
        string[] characters = ["character01", "character02", "character03"];
        using (ZipArchive zip = ZipFile.OpenRead(Path.Combine(data, "images_evaluation.zip")))
        {
            foreach (string character in characters)
            {
                ZipArchiveEntry[] drawings = [.. zip.Entries.Where(e => e.FullName.StartsWith($"images_evaluation/Angelic/{character}/") && e.Name.EndsWith(".png")).OrderBy(e => e.Name)];
                Directory.CreateDirectory(Path.Combine(support, character));
                drawings[0].ExtractToFile(Path.Combine(support, character, "1.png"));
                drawings[1].ExtractToFile(Path.Combine(support, character, "2.PNG")); // upper case is an image too
                File.WriteAllText(Path.Combine(support, character, ".DS_Store"), "finder junk");
                // One query drawing, in every format and as a negative.
                string stem = Path.Combine(queries, character);
                Directory.CreateDirectory(queries);
                drawings[5].ExtractToFile(stem + ".png");
                byte[] gray = Gray(stem + ".png", out int w, out int h);
                File.WriteAllBytes(stem + "-q100.jpg", TestImages.Encode(ImageFormat.Jpeg, gray, w, h, jpegQuality: 100));
                File.WriteAllBytes(stem + "-q75.jpg", TestImages.Encode(ImageFormat.Jpeg, gray, w, h, jpegQuality: 75));
                File.WriteAllBytes(stem + ".bmp", TestImages.Encode(ImageFormat.Bmp, gray, w, h));
                File.WriteAllBytes(stem + ".gif", TestImages.Encode(ImageFormat.Gif, gray, w, h));
                File.WriteAllBytes(stem + "-negative.png", TestImages.Encode(ImageFormat.Png, TestImages.Negative(gray), w, h));
            }
        }
        Directory.CreateDirectory(Path.Combine(support, ".hidden"));
        File.WriteAllBytes(Path.Combine(support, ".hidden", "x.png"), File.ReadAllBytes(Path.Combine(queries, "character01.png")));
        File.WriteAllText(Path.Combine(queries, "notes.txt"), "not an image");

        // Every query at once (the folder), then each alone, then in pairs.
        Dictionary<string, (string Class, double Confidence)> all = Classify(checkpoint, support, queries);
        Assert.Equal(18, all.Count); // 3 characters x 6 files; notes.txt and hidden files are not images
        foreach ((string file, (string cls, double confidence)) in all)
        {
            (string c1, double p1) = Classify(checkpoint, support, file).Single().Value;
            Assert.Equal(cls, c1);
            Assert.Equal(confidence, p1, 5);
        }
        string[] files = [.. all.Keys.Order()];
        for (int i = 0; i + 1 < files.Length; i += 2)
        {
            Dictionary<string, (string Class, double Confidence)> pair = Classify(checkpoint, support, files[i], files[i + 1]);
            Assert.Equal(all[files[i]].Confidence, pair[files[i]].Confidence, 5);
            Assert.Equal(all[files[i + 1]].Confidence, pair[files[i + 1]].Confidence, 5);
        }

        // Across encodings of one drawing: the same class and the same confidence (a JPEG's noise is snapped away).
        foreach (string character in characters)
        {
            (string cls, double confidence) = all[Path.Combine(queries, character + ".png")];
            foreach (string variant in new[] { ".bmp", ".gif", "-negative.png", "-q100.jpg", "-q75.jpg" })
            {
                Assert.Equal(cls, all[Path.Combine(queries, character + variant)].Class);
                Assert.Equal(confidence, all[Path.Combine(queries, character + variant)].Confidence, 5);
            }
        }
        Directory.Delete(dir, recursive: true);
    }

    private static byte[] Gray(string png, out int width, out int height)
    {
        DecodedImage image = ImageDecoder.DecodeFile(png);
        (width, height) = (image.Width, image.Height);
        return [.. image.ToGray().Select(v => (byte)Math.Round(v * 255))];
    }

    private static Dictionary<string, (string Class, double Confidence)> Classify(string checkpoint, string support, params string[] queries)
    {
        (int exit, string output, string error) = CliRunner.Run(["classify", "--checkpoint", checkpoint, "--support", support, "--query", .. queries, "--format", "json"]);
        Assert.True(exit == 0, error);
        using JsonDocument rows = JsonDocument.Parse(output.Trim());
        return rows.RootElement.EnumerateArray().ToDictionary(
            r => r.GetProperty("query").GetString()!,
            r => (r.GetProperty("predicted").GetString()!, r.GetProperty("confidence").GetDouble()));
    }
}

using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using StbImageSharp;

namespace MetaLearn.Data.Bench;

/// <summary>
/// The project's own PNG decoder against StbImageSharp on every drawing of images_background.zip (19,280 1-bit
/// gray 105x105 PNGs). The bytes are read from the zip once, before timing; both decoders then run over the same
/// arrays in the same process, alternating per repetition so drift on a shared machine hits both alike.
/// Before timing, every drawing is decoded by both and the pixels compared (gray in [0, 1], exact).
/// </summary>
/// <remarks>
/// The alloc_kb figures count managed allocations only: StbImageSharp decodes into native memory and copies the
/// result into a managed array, so its figure leaves out its native working memory.
/// </remarks>
internal static class DecoderComparison
{
    public static void Run(string root, int reps, TextWriter output)
    {
        string zipPath = Path.Combine(root, "images_background.zip");
        byte[][] files = ReadPngs(zipPath);

        int mismatched = 0;
        foreach (byte[] png in files)
        {
            if (!SamePixels(PngDecoder.Decode(png), ImageResult.FromMemory(png)))
            {
                mismatched++;
            }
        }

        var decoders = new (string Name, Action<byte[]> Decode)[]
        {
            ("own_png", b => PngDecoder.Decode(b)),
            ("stb_image_sharp", b => ImageResult.FromMemory(b)),
            // The public entry point: format detection, then the own decoder, wrapped without a copy.
            ("image_decoder", b => ImageDecoder.Decode(b)),
        };
        var us = decoders.ToDictionary(d => d.Name, _ => new List<double>());
        var alloc = decoders.ToDictionary(d => d.Name, _ => 0.0);
        foreach (var (_, decode) in decoders)
        {
            // Warm-up: tiered JIT and the zlib pool.
            for (int i = 0; i < 2000; i++)
            {
                decode(files[i]);
            }
        }
        for (int r = 0; r < reps; r++)
        {
            foreach (var (name, decode) in decoders)
            {
                GC.Collect();
                long before = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                foreach (byte[] b in files)
                {
                    decode(b);
                }
                us[name].Add(clock.Elapsed.TotalMicroseconds / files.Length);
                alloc[name] = (GC.GetTotalAllocatedBytes(precise: true) - before) / 1024.0 / files.Length;
            }
        }
        var result = new Dictionary<string, object>
        {
            ["bench"] = "png_decoders",
            ["drawings"] = files.Length,
            ["pixel_mismatches"] = mismatched,
        };
        foreach (var (name, _) in decoders)
        {
            result[name + "_us"] = us[name];
            result[name + "_median_us"] = Median(us[name]);
            result[name + "_min_us"] = us[name].Min();
            result[name + "_alloc_kb"] = alloc[name];
            result[name + "_total_ms"] = Median(us[name]) * files.Length / 1000;
        }
        output.WriteLine(JsonSerializer.Serialize(result));
    }

    private static byte[][] ReadPngs(string zipPath)
    {
        using var zip = new ZipArchive(File.OpenRead(zipPath), ZipArchiveMode.Read);
        var files = new List<byte[]>();
        foreach (ZipArchiveEntry e in zip.Entries.Where(e => e.FullName.EndsWith(".png", StringComparison.Ordinal)).OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            using Stream s = e.Open();
            var b = new byte[e.Length];
            s.ReadExactly(b);
            files.Add(b);
        }
        return [.. files];
    }

    /// <summary>Same size and the same gray value in [0, 1] at every pixel (stb scales 1-bit samples to 0/255).</summary>
    private static bool SamePixels(PngImage own, ImageResult stb)
    {
        if (own.Width != stb.Width || own.Height != stb.Height || own.Channels != (int)stb.Comp)
        {
            return false;
        }
        float[] gray = own.ToGray();
        int channels = (int)stb.Comp;
        for (int p = 0; p < gray.Length; p++)
        {
            if (gray[p] != stb.Data[p * channels] / 255f)
            {
                return false;
            }
        }
        return true;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

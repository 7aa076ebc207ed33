using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using MetaLearn.Tensors;

namespace MetaLearn.Data.Bench;

/// <summary>The three measurements; each writes JSON lines to the given writer.</summary>
internal static class Benchmarks
{
    private const string Set = "images_background";

    /// <summary>The shared Omniglot folder: $OMNIGLOT_ROOT, else shared/data/omniglot above the working directory.</summary>
    public static string FindOmniglot()
    {
        string? env = Environment.GetEnvironmentVariable("OMNIGLOT_ROOT");
        if (env is not null)
        {
            return env;
        }
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (string candidate in new[] { Path.Combine(dir.FullName, "shared", "data", "omniglot"), Path.Combine(dir.FullName, "..", "shared", "data", "omniglot") })
            {
                if (File.Exists(Path.Combine(candidate, Set + ".zip")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }
        throw new DirectoryNotFoundException("Omniglot zips not found; pass --root DIR or set OMNIGLOT_ROOT.");
    }

    /// <summary>Time to open images_background.zip and decode all 19,280 drawings into a <see cref="CachedDataset"/>.</summary>
    public static void Load(string root, int reps, int threads, TextWriter output)
    {
        string zip = Path.Combine(root, Set + ".zip");
        var ms = new List<double>();
        var openMs = new List<double>();
        long allocated = 0;
        long drawings = 0;
        for (int r = 0; r < reps; r++)
        {
            Collect();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            using OmniglotDataset data = OmniglotDataset.Open(zip);
            openMs.Add(clock.Elapsed.TotalMilliseconds);
            var cached = new CachedDataset(data).Preload(threads);
            ms.Add(clock.Elapsed.TotalMilliseconds);
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            drawings = cached.TotalSamples();
        }
        Write(output, new
        {
            bench = "load_background",
            threads,
            drawings,
            ms,
            median_ms = Median(ms),
            median_open_ms = Median(openMs),
            us_per_drawing = Median(ms) * 1000 / drawings,
            alloc_kb_per_drawing = allocated / 1024.0 / drawings,
        });
    }

    /// <summary>Episodes per second from the preloaded background cache, single thread.</summary>
    public static void Episodes(string root, int reps, int threads, TextWriter output)
    {
        using OmniglotDataset data = OmniglotDataset.Open(Path.Combine(root, Set + ".zip"));
        var cached = new CachedDataset(data).Preload(threads);
        foreach (var (ways, shots, queries) in new[] { (5, 1, 1), (5, 1, 15), (60, 5, 5) })
        {
            foreach (bool rotate in new[] { false, true })
            {
                ILabeledDataset source = rotate ? new RotatedClasses(cached) : cached;
                var sampler = new TaskSampler(source, new NWays(ways), new KShots(shots, queries), new RemapLabels());
                var rng = new Rng(7);
                // Warm-up for tiered JIT.
                var warm = Stopwatch.StartNew();
                while (warm.Elapsed.TotalSeconds < 1)
                {
                    sampler.Sample(rng);
                }
                var perSecond = new List<double>();
                long allocated = 0, episodes = 0;
                for (int r = 0; r < reps; r++)
                {
                    long before = GC.GetTotalAllocatedBytes(precise: true);
                    int n = 0;
                    var clock = Stopwatch.StartNew();
                    while (clock.Elapsed.TotalSeconds < 0.5)
                    {
                        sampler.Sample(rng);
                        n++;
                    }
                    perSecond.Add(n / clock.Elapsed.TotalSeconds);
                    allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
                    episodes += n;
                }
                int floats = ways * (shots + queries) * cached.SampleSize();
                Write(output, new
                {
                    bench = "episodes",
                    ways,
                    shots,
                    queries,
                    rotations = rotate,
                    episodes_per_s = perSecond,
                    median_episodes_per_s = Median(perSecond),
                    median_us_per_episode = 1e6 / Median(perSecond),
                    alloc_kb_per_episode = allocated / 1024.0 / episodes,
                    payload_kb_per_episode = floats * 4 / 1024.0,
                });
            }
        }
    }

    /// <summary>
    /// Per-drawing cost of the first 2,000 drawings, split: zip entry read, PNG decode, gray + ink flip + 105->28
    /// resize, and the whole <see cref="OmniglotDataset.ReadSample"/>. The split uses the public APIs the dataset
    /// is built from, so a gap between "full" and the sum of the parts is overhead inside the dataset.
    /// </summary>
    public static void Read(string root, int reps, TextWriter output)
    {
        const int count = 2000;
        string zipPath = Path.Combine(root, Set + ".zip");
        using OmniglotDataset data = OmniglotDataset.Open(zipPath);
        var targets = new List<(int Class, int Sample)>();
        for (int c = 0; c < data.ClassCount && targets.Count < count; c++)
        {
            for (int i = 0; i < data.SampleCount(c) && targets.Count < count; i++)
            {
                targets.Add((c, i));
            }
        }
        using var zip = new ZipArchive(File.OpenRead(zipPath), ZipArchiveMode.Read);
        var entries = zip.Entries.ToDictionary(e => e.FullName, StringComparer.Ordinal);
        ZipArchiveEntry[] chosen = [.. targets.Select(t => entries[data.Character(t.Class).Drawings[t.Sample]])];
        byte[][] bytes = [.. chosen.Select(ReadEntry)];
        PngImage[] images = [.. bytes.Select(b => PngDecoder.Decode(b))];
        var destination = new float[28 * 28];

        var parts = new Dictionary<string, Action>
        {
            ["zip_read"] = () => { foreach (ZipArchiveEntry e in chosen) { ReadEntry(e); } },
            ["png_decode"] = () => { foreach (byte[] b in bytes) { PngDecoder.Decode(b); } },
            ["gray_flip_resize"] = () =>
            {
                foreach (PngImage png in images)
                {
                    float[] ink = png.ToGray();
                    for (int i = 0; i < ink.Length; i++)
                    {
                        ink[i] = 1f - ink[i];
                    }
                    ImageResize.Area(ink, 1, png.Height, png.Width, destination, 28, 28);
                }
            },
            ["full_read_sample"] = () => { foreach (var (c, i) in targets) { data.ReadSample(c, i, destination); } },
        };
        var result = new Dictionary<string, object> { ["bench"] = "read_drawing", ["drawings"] = count };
        foreach (var (name, run) in parts)
        {
            run(); // warm-up
            var us = new List<double>();
            long allocated = 0;
            for (int r = 0; r < reps; r++)
            {
                long before = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                run();
                us.Add(clock.Elapsed.TotalMicroseconds / count);
                allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            }
            result[name + "_us"] = Median(us);
            result[name + "_alloc_kb"] = allocated / 1024.0 / count;
        }
        Write(output, result);
    }

    private static byte[] ReadEntry(ZipArchiveEntry e)
    {
        using Stream s = e.Open();
        var b = new byte[e.Length];
        s.ReadExactly(b);
        return b;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static void Write(TextWriter output, object value) => output.WriteLine(JsonSerializer.Serialize(value));
}

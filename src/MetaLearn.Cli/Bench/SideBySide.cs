using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MetaLearn.Cli.Bench;

/// <summary>
/// Runs each workload in MetaLearn and in PyTorch (Debian's python3-torch), every measurement in a fresh process
/// so peak RSS is per workload, interleaved round by round so machine noise hits both sides alike. Both sides run
/// with 1 thread and with the thread budget (2 by default), and each side's better median counts.
/// </summary>
internal sealed class SideBySide(string python, string script, TextWriter log)
{
    public const string DefaultPython = "/usr/bin/python3";

    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "pytorch_workloads.py");

    /// <summary>Throws with a fix when the PyTorch side cannot run.</summary>
    public static void CheckAvailable(string python)
    {
        if (!File.Exists(ScriptPath))
        {
            throw new InvalidOperationException($"bench --against pytorch: {ScriptPath} is missing; rebuild the CLI.");
        }
        var probe = Process.Start(new ProcessStartInfo(python, "-c \"import torch\"") { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"bench --against pytorch: could not start {python}.");
        probe.WaitForExit();
        if (probe.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"bench --against pytorch: {python} cannot import torch. Install Debian's PyTorch and OpenBLAS: apt-get install python3-torch libopenblas0 " +
                "(or pass --python with an interpreter that has torch).");
        }
    }

    public IReadOnlyList<(BenchResult MetaLearn, BenchResult PyTorch)> Run(IReadOnlyList<string> workloads, int rounds, int reps, int threads)
    {
        SelfLaunch self = SelfLaunch.Current;
        var ours = new Dictionary<(string, int), List<BenchResult>>();
        var theirs = new Dictionary<(string, int), List<BenchResult>>();
        for (int round = 1; round <= rounds; round++)
        {
            foreach (string w in workloads)
            {
                log.WriteLine($"round {round}/{rounds}: {w}");
                foreach (int t in new[] { 1, 2 })
                {
                    Add(theirs, (w, t), Parse(RunProcess(python, [script, w, Text(reps), Text(t)]), "pytorch"));
                }
                foreach (int t in threads == 1 ? new[] { 1 } : new[] { 1, threads })
                {
                    var arguments = self.Arguments("bench", "--workload", w, "--reps", Text(reps), "--threads", Text(t), "--format", "json");
                    Add(ours, (w, t), Parse(RunProcess(self.File, arguments), "metalearn"));
                }
            }
        }
        var rows = new List<(BenchResult, BenchResult)>();
        foreach (string w in workloads)
        {
            BenchResult mine = ours.Where(kv => kv.Key.Item1 == w).Select(kv => Merge(kv.Value)).MinBy(r => r.MedianMs)!;
            BenchResult best = new[] { 1, 2 }.Select(t => Merge(theirs[(w, t)])).MinBy(r => r.MedianMs)!;
            rows.Add((mine, best));
        }
        return rows;
    }

    /// <summary>One result from several runs of a workload; differing BLAS kernels (which would make the comparison
    /// unfair) all stay visible.</summary>
    internal static BenchResult Merge(List<BenchResult> runs) => runs[0] with
    {
        Ms = runs.SelectMany(r => r.Ms).ToArray(),
        RssMb = runs.Max(r => r.RssMb),
        BlasCore = Distinct(runs.Select(r => r.BlasCore)),
        BlasConfig = Distinct(runs.Select(r => r.BlasConfig)),
    };

    private static string? Distinct(IEnumerable<string?> values)
        => values.OfType<string>().Distinct().ToArray() is { Length: > 0 } distinct ? string.Join(" / ", distinct) : null;

    private static void Add<TKey>(Dictionary<TKey, List<BenchResult>> map, TKey key, BenchResult r) where TKey : notnull
    {
        if (!map.TryGetValue(key, out List<BenchResult>? list))
        {
            map[key] = list = [];
        }
        list.Add(r);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string RunProcess(string file, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process p = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> stderrTask = p.StandardError.ReadToEndAsync(); // both pipes at once: a full stderr pipe would block the child
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = stderrTask.Result;
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with exit code {p.ExitCode}: {stderr.Trim()}");
        }
        return stdout.Trim().Split('\n')[^1];
    }

    internal static BenchResult Parse(string json, string side)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement e = doc.RootElement;
        return new BenchResult(
            e.GetProperty("workload").GetString()!, side, e.GetProperty("threads").GetInt32(),
            e.GetProperty("ms").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            e.GetProperty("rss_mb").GetDouble(),
            e.TryGetProperty("alloc_mb_per_step", out JsonElement a) ? a.GetDouble() : null,
            e.TryGetProperty("blas_core", out JsonElement core) ? core.GetString() : null,
            e.TryGetProperty("blas_config", out JsonElement config) ? config.GetString() : null);
    }
}

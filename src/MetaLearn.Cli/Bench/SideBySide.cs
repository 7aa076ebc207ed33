using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MetaLearn.Cli.Bench;

/// <summary>
/// Runs each workload in MetaLearn and in PyTorch (Debian's python3-torch), every measurement in a fresh process
/// so peak RSS is per workload, interleaved round by round so machine noise hits both sides alike. Both sides run
/// with 1 thread and with the thread budget (2 by default), and each side's better median counts. PyTorch runs
/// without <see cref="BlasOverrides"/>, so its OpenBLAS picks the kernels it would pick for this CPU.
/// </summary>
internal sealed class SideBySide(string python, string script, TextWriter log)
{
    public const string DefaultPython = "/usr/bin/python3";

    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "pytorch_workloads.py");

    /// <summary>
    /// Variables some machines set to work around old OpenBLAS bugs. OPENBLAS_CORETYPE forces a kernel set
    /// (with Haswell, SGEMM 1024 ran at 129 instead of 316 GFLOPS on one AVX-512 host) and OPENBLAS_L2_SIZE the
    /// blocking; either makes the PyTorch side slower than it is, so PyTorch children do not get them. Only they are
    /// changed: this process, the MetaLearn children, and tests and CI keep their environment.
    /// </summary>
    internal static readonly string[] BlasOverrides = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

    /// <summary>The <see cref="BlasOverrides"/> that <paramref name="getVariable"/> has, as NAME=value.</summary>
    internal static string[] BlasOverridesIn(Func<string, string?> getVariable)
        => BlasOverrides.Select(name => (name, value: getVariable(name))).Where(v => v.value is not null).Select(v => $"{v.name}={v.value}").ToArray();

    /// <summary>Removes <see cref="BlasOverrides"/> from a child's environment (the child only: <paramref name="info"/>'s
    /// copy of it).</summary>
    internal static ProcessStartInfo WithoutBlasOverrides(ProcessStartInfo info)
    {
        foreach (string name in BlasOverrides)
        {
            info.Environment.Remove(name);
        }
        return info;
    }

    /// <summary>Throws with a fix when the PyTorch side cannot run.</summary>
    public static void CheckAvailable(string python)
    {
        if (!File.Exists(ScriptPath))
        {
            throw new InvalidOperationException($"bench --against pytorch: {ScriptPath} is missing; rebuild the CLI.");
        }
        using Process probe = Process.Start(WithoutBlasOverrides(Redirected(python, ["-c", "import torch"])))
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
                    Add(theirs, (w, t), Parse(RunProcess(WithoutBlasOverrides(Redirected(python, [script, w, Text(reps), Text(t)]))), "pytorch"));
                }
                foreach (int t in threads == 1 ? new[] { 1 } : new[] { 1, threads })
                {
                    var arguments = self.Arguments("bench", "--workload", w, "--reps", Text(reps), "--threads", Text(t), "--format", "json");
                    Add(ours, (w, t), Parse(RunProcess(Redirected(self.File, arguments)), "metalearn"));
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

    private static ProcessStartInfo Redirected(string file, IEnumerable<string> arguments)
        => new(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };

    /// <summary>Runs a child to the end; its last line of output, or an exception with its stderr.</summary>
    private static string RunProcess(ProcessStartInfo info)
    {
        using Process p = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        Task<string> stderrTask = p.StandardError.ReadToEndAsync(); // both pipes at once: a full stderr pipe would block the child
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = stderrTask.Result;
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{info.FileName} {string.Join(' ', info.ArgumentList)} failed with exit code {p.ExitCode}: {stderr.Trim()}");
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

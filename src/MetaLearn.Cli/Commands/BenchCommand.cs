using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MetaLearn.Cli.Bench;

namespace MetaLearn.Cli.Commands;

/// <summary><c>metalearn bench</c>: the workloads of the kernels issue, alone or side by side with PyTorch.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var workloads = new Option<string[]>("--workload", "-w")
        {
            Description = $"Workload to run (repeatable; default: all). One of: {string.Join(", ", Workloads.Names)}.",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "name",
        };
        var reps = CliOptions.WholeNumber("--reps", "count", "Timed repetitions per run, after warm-up.", min: 1, defaultValue: 5);
        var threads = CliOptions.WholeNumber("--threads", "count", "Threads for the tasks of a meta-batch; 0 means one per core.", min: 0, defaultValue: 0);
        var against = new Option<string?>("--against") { Description = "Also run the same workloads in another library, interleaved: pytorch.", HelpName = "library" };
        var rounds = CliOptions.WholeNumber("--rounds", "count", "Interleaved rounds with --against.", min: 1, defaultValue: 3);
        var python = new Option<string>("--python") { Description = "Python interpreter with torch, for --against pytorch.", DefaultValueFactory = _ => SideBySide.DefaultPython, HelpName = "path" };
        var format = CliOptions.Choice("--format", "Output format.", OutputFormat.Table);

        var command = new Command("bench", "Time the benchmark workloads (ms per step), optionally side by side with PyTorch on this machine.")
        {
            workloads, reps, threads, against, rounds, python, format,
        };
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            string[] names = parse.GetValue(workloads) is { Length: > 0 } chosen ? chosen : Workloads.Names;
            foreach (string name in names.Where(n => !Workloads.Names.Contains(n)))
            {
                error.WriteLine($"bench: unknown workload '{name}'. Known workloads: {string.Join(", ", Workloads.Names)}.");
                return 2;
            }
            int repetitions = parse.GetValue(reps), threadCount = parse.GetValue(threads);
            if (repetitions < 1 || threadCount < 0)
            {
                error.WriteLine($"bench: --reps must be at least 1 and --threads at least 0 (got {repetitions} and {threadCount}).");
                return 2;
            }
            threadCount = threadCount == 0 ? Environment.ProcessorCount : threadCount;
            OutputFormat outputFormat = format.ValueIn(parse);
            string cpu = CpuModel.Read();

            string? other = parse.GetValue(against);
            if (other is null)
            {
                foreach (string name in names)
                {
                    Print(output, outputFormat, cpu, BenchRunner.Run(name, repetitions, threadCount), null);
                }
                if (outputFormat == OutputFormat.Table)
                {
                    output.WriteLine($"CPU: {cpu}");
                }
                return 0;
            }
            if (!string.Equals(other, "pytorch", StringComparison.OrdinalIgnoreCase))
            {
                error.WriteLine($"bench: --against '{other}' is not supported; the only reference is 'pytorch'.");
                return 2;
            }
            string interpreter = parse.GetValue(python)!;
            SideBySide.CheckAvailable(interpreter);
            var rows = new SideBySide(interpreter, SideBySide.ScriptPath, error).Run(names, parse.GetValue(rounds), repetitions, threadCount);
            string[] removed = SideBySide.BlasOverridesIn(Environment.GetEnvironmentVariable);
            if (outputFormat == OutputFormat.Table)
            {
                output.WriteLine("| workload | PyTorch ms (threads) | MetaLearn ms (threads) | ratio PyTorch/MetaLearn | PyTorch peak RSS MB | MetaLearn peak RSS MB |");
                output.WriteLine("|---|---|---|---|---|---|");
            }
            foreach ((BenchResult mine, BenchResult theirs) in rows)
            {
                Print(output, outputFormat, cpu, mine, theirs, removed);
            }
            if (outputFormat == OutputFormat.Table)
            {
                output.WriteLine();
                output.WriteLine(Footer(cpu, rows.Select(r => r.PyTorch), removed));
            }
            return 0;
        });
        return command;
    }

    /// <summary>The line under a side-by-side table: the machine, the BLAS kernels PyTorch ran (the same in every
    /// run, or all of them listed), and the OpenBLAS overrides of this environment that PyTorch did not get.</summary>
    internal static string Footer(string cpu, IEnumerable<BenchResult> pytorch, IReadOnlyList<string> removed)
    {
        string Join(Func<BenchResult, string?> field)
            => pytorch.Select(field).OfType<string>().Distinct().ToArray() is { Length: > 0 } all ? string.Join(" / ", all) : "unknown";
        string unset = removed.Count == 0 ? "" : $" Not passed to PyTorch: {string.Join(", ", removed)}.";
        return $"CPU: {cpu}. PyTorch BLAS kernels: {Join(r => r.BlasCore)} ({Join(r => r.BlasConfig)}).{unset}";
    }

    private static void Print(TextWriter output, OutputFormat format, string cpu, BenchResult mine, BenchResult? theirs, string[]? removed = null)
    {
        double? ratio = theirs is null ? null : theirs.MedianMs / mine.MedianMs;
        if (format == OutputFormat.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                workload = mine.Workload,
                metalearn_ms = mine.MedianMs,
                pytorch_ms = theirs?.MedianMs,
                ratio,
                threads = mine.Threads,
                pytorch_threads = theirs?.Threads,
                ms = mine.Ms,
                rss_mb = mine.RssMb,
                pytorch_rss_mb = theirs?.RssMb,
                alloc_mb_per_step = mine.AllocMbPerStep,
                cpu_model = cpu,
                pytorch_blas_core = theirs?.BlasCore,
                pytorch_blas_config = theirs?.BlasConfig,
                pytorch_env_removed = removed,
            }));
            return;
        }
        string F(double v) => v.ToString(v < 10 ? "F3" : "F1", CultureInfo.InvariantCulture);
        if (theirs is null)
        {
            output.WriteLine($"{mine.Workload,-20} {F(mine.MedianMs),10} ms/step  ({mine.Threads} threads, peak RSS {mine.RssMb:F0} MB, {mine.AllocMbPerStep:F2} MB allocated/step)");
            return;
        }
        string extra = "";
        if (mine.Workload.StartsWith("sgemm-", StringComparison.Ordinal))
        {
            double flops = 2 * Math.Pow(int.Parse(mine.Workload[6..], CultureInfo.InvariantCulture), 3);
            extra = $" ({flops / theirs.MedianMs / 1e6:F0} vs {flops / mine.MedianMs / 1e6:F0} GFLOPS)";
        }
        output.WriteLine($"| {mine.Workload} | {F(theirs.MedianMs)} ({theirs.Threads}) | {F(mine.MedianMs)} ({mine.Threads}) | {ratio:F2}{extra} | {theirs.RssMb:F0} | {mine.RssMb:F0} |");
    }
}

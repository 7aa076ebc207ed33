// MetaLearn side of the side-by-side benchmark (bench/compare-pytorch.sh runs it).
//   dotnet run -c Release --project bench/MetaLearn.Bench -- WORKLOAD REPS [THREADS]
// Prints one JSON line: {"workload", "threads", "ms": [per repetition], "rss_mb": peak working set}.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MetaLearn.Bench;
using MetaLearn.Kernels;

if (args.Length < 2)
{
    Console.Error.WriteLine($"usage: MetaLearn.Bench WORKLOAD REPS [THREADS]\nworkloads: {string.Join(", ", Workloads.Names)}");
    return 2;
}
string name = args[0];
int reps = int.Parse(args[1], CultureInfo.InvariantCulture);
int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : Environment.ProcessorCount;

// THREADS is the whole budget: no kernel call below may use more (meta-batches lower it to 1 inside their tasks).
using KernelParallelism.Scope budget = KernelParallelism.Limit(threads);
Action step = Workloads.Create(name, threads);
int inner = Workloads.InnerRepeats(name);
// Warm-up: at least 3 steps and 2 seconds, so tiered JIT has promoted the hot paths (the same rule runs on the PyTorch side).
var warm = Stopwatch.StartNew();
for (int i = 0; i < 3 || warm.Elapsed.TotalSeconds < 2; i++)
{
    step();
}
var times = new List<double>();
for (int r = 0; r < reps; r++)
{
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < inner; i++)
    {
        step();
    }
    times.Add(clock.Elapsed.TotalMilliseconds / inner);
}
double rss = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
Console.WriteLine(JsonSerializer.Serialize(new { workload = name, threads, ms = times, rss_mb = rss }));
return 0;

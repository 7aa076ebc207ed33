using MetaLearn.Tensors;
using System.Diagnostics;

namespace MetaLearn.Cli.Bench;

/// <summary>
/// Times one workload in this process: warm-up first (at least 3 steps and 4 s, so tiered JIT is done), then repetitions.
/// A ProtoNet episode calls each kernel only a few times, and with tiered PGO the first ten or so episodes ran partly
/// instrumented code (episodes of 290-380 ms before settling at 220-260): 2 s of warm-up left some of them in the timing.
/// </summary>
internal static class BenchRunner
{
    public static BenchResult Run(string workload, int reps, int threads)
    {
        // THREADS is the whole budget: no kernel call below may use more (meta-batches lower it to 1 inside their tasks).
        using IDisposable budget = KernelThreads.Limit(threads);
        Action step = Workloads.Create(workload, threads);
        int inner = Workloads.InnerRepeats(workload);
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 3 || warm.Elapsed.TotalSeconds < 4; i++)
        {
            step();
        }

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var times = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < inner; i++)
            {
                step();
            }
            times[r] = clock.Elapsed.TotalMilliseconds / inner;
        }
        // Bytes allocated per step are deterministic, unlike time on a shared machine.
        double allocMb = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (1024.0 * 1024.0) / (reps * inner);
        double rssMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        return new BenchResult(workload, "metalearn", threads, times, rssMb, allocMb);
    }
}

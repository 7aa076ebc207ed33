using System.Diagnostics;
using System.Globalization;

namespace MetaLearn.Kernels.Benchmarks;

/// <summary>
/// A fast Stopwatch comparison for tuning (seconds, not minutes): for every shape, the best of many timed
/// batches for the baseline and for the packed kernel on 1 and on 2 threads. The best, not the mean, because
/// this machine is shared and interference only ever adds time.
/// </summary>
public static class QuickTiming
{
    public static void Run(TextWriter output, IEnumerable<GemmShape> shapes, bool includeBaseline)
    {
        output.WriteLine($"{"shape",-10} {"product",-24} {"baseline",10} {"1 thread",10} {"2 threads",10} {"speed-up",8} {"GF/s 1t",8} {"GF/s 2t",8}");
        foreach (GemmShape s in shapes)
        {
            var rng = new Random(0);
            float[] a = Enumerable.Range(0, s.M * s.K).Select(_ => (float)rng.NextDouble()).ToArray();
            float[] b = Enumerable.Range(0, s.K * s.N).Select(_ => (float)rng.NextDouble()).ToArray();
            var c = new float[s.M * s.N];
            double baseline = includeBaseline ? Best(() => BaselineGemm.Multiply<float>(s.TransposeA, s.TransposeB, s.M, s.N, s.K, a, b, c), s) : double.NaN;
            double one = Packed(s, a, b, c, 1), two = Packed(s, a, b, c, 2);
            double gflops1 = 2.0 * s.MultiplyAdds / one / 1e3, gflops2 = 2.0 * s.MultiplyAdds / two / 1e3;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Name,-10} {s.Product,-24} {baseline,10:F2} {one,10:F2} {two,10:F2} {baseline / one,8:F2} {gflops1,8:F1} {gflops2,8:F1}"));
        }
        output.WriteLine("times in microseconds per multiply (best batch)");
    }

    private static double Packed(GemmShape s, float[] a, float[] b, float[] c, int threads)
    {
        // The scope is opened once around the timing, not per call (opening one costs ~100 ns).
        using (KernelParallelism.Limit(threads))
        {
            return Best(() => Gemm.Multiply<float>(s.TransposeA, s.TransposeB, s.M, s.N, s.K, a, b, c), s);
        }
    }

    /// <summary>Microseconds per call: best of batches that each last about 20 ms, after a 0.3 s warm-up (tiered JIT).</summary>
    private static double Best(Action action, GemmShape s)
    {
        var warm = Stopwatch.StartNew();
        int calls = 0;
        while (warm.ElapsedMilliseconds < 300)
        {
            action();
            calls++;
        }
        int batch = Math.Max(1, (int)(calls * 20 / Math.Max(1, warm.ElapsedMilliseconds)));
        double best = double.MaxValue;
        for (int r = 0; r < 15; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < batch; i++)
            {
                action();
            }
            best = Math.Min(best, clock.Elapsed.TotalMicroseconds / batch);
        }
        return best;
    }
}

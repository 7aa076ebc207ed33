using System.Diagnostics;
using System.Globalization;

namespace MetaLearn.Kernels.Benchmarks;

/// <summary>
/// Convolution passes on the layer shapes of the issue-3 conv workloads, timed for several image-group widths
/// (<see cref="Convolution.GroupColumns"/>; 1 = one image per GEMM) on 1 and 2 threads, interleaved, best of
/// many rounds (interference on this shared machine only ever adds time).
/// </summary>
public static class ConvTiming
{
    private static readonly (string Name, WindowGeometry G)[] Layers =
    [
        ("proto-L1 600x1x28x28", new(600, 1, 28, 28, 3, 3, 1, 1)),
        ("proto-L2 600x64x14x14", new(600, 64, 14, 14, 3, 3, 1, 1)),
        ("proto-L3 600x64x7x7", new(600, 64, 7, 7, 3, 3, 1, 1)),
        ("proto-L4 600x64x3x3", new(600, 64, 3, 3, 3, 3, 1, 1)),
        ("maml-L2 80x64x14x14", new(80, 64, 14, 14, 3, 3, 1, 1)),
        ("maml-L3 80x64x7x7", new(80, 64, 7, 7, 3, 3, 1, 1)),
        ("maml-L4 80x64x3x3", new(80, 64, 3, 3, 3, 3, 1, 1)),
    ];

    public static void Run(TextWriter output, int[] widths)
    {
        const int O = 64;
        output.WriteLine($"{"layer",-24} {"threads",7} " + string.Join(" ", widths.Select(w => $"{"group " + w,12}")) + "   (ms: forward + input grad + weight grad)");
        foreach ((string name, WindowGeometry g) in Layers)
        {
            var rng = new Random(1);
            float[] x = [.. Enumerable.Range(0, g.InputSize).Select(_ => (float)rng.NextDouble() - 0.5f)];
            float[] w = [.. Enumerable.Range(0, O * g.Rows).Select(_ => (float)rng.NextDouble() - 0.5f)];
            float[] b = new float[O];
            int outSize = g.Batch * O * g.OutHeight * g.OutWidth;
            float[] dy = [.. Enumerable.Range(0, outSize).Select(_ => (float)rng.NextDouble() - 0.5f)];
            float[] y = new float[outSize], dx = new float[g.InputSize], dw = new float[w.Length];
            foreach (int threads in new[] { 1, 2 })
            {
                double[] best = [.. widths.Select(_ => double.MaxValue)];
                using (KernelParallelism.Limit(threads))
                {
                    for (int round = 0; round < 7; round++)
                    {
                        for (int i = 0; i < widths.Length; i++)
                        {
                            Convolution.GroupColumns = widths[i];
                            var clock = Stopwatch.StartNew();
                            Convolution.Forward<float>(x, w, b, y, g, O);
                            Convolution.BackwardInput<float>(dy, w, dx, g, O);
                            Convolution.BackwardWeight<float>(x, dy, dw, g, O);
                            if (round > 0)
                            {
                                best[i] = Math.Min(best[i], clock.Elapsed.TotalMilliseconds);
                            }
                        }
                    }
                }
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-24} {threads,7} ") + string.Join(" ", best.Select(t => t.ToString("F2", CultureInfo.InvariantCulture).PadLeft(12))));
            }
        }
        Convolution.GroupColumns = 256;
    }

    /// <summary>
    /// Each pass alone (forward with bias, input gradient, weight gradient) on one thread at the batch sizes of a
    /// MAML query set (75) and a ProtoNet 60-way 5-shot episode (600), best of 9 rounds, with the GFLOPS each reaches.
    /// </summary>
    public static void Passes(TextWriter output)
    {
        const int O = 64;
        output.WriteLine($"{"layer",-22} {"forward ms",11} {"GFLOPS",7} {"input ms",11} {"GFLOPS",7} {"weight ms",11} {"GFLOPS",7}");
        foreach (int batch in new[] { 75, 600 })
        {
            foreach ((int c, int side) in new[] { (1, 28), (64, 14), (64, 7), (64, 3) })
            {
                var g = new WindowGeometry(batch, c, side, side, 3, 3, 1, 1);
                var rng = new Random(1);
                float[] x = [.. Enumerable.Range(0, g.InputSize).Select(_ => (float)rng.NextDouble() - 0.5f)];
                float[] w = [.. Enumerable.Range(0, O * g.Rows).Select(_ => (float)rng.NextDouble() - 0.5f)];
                float[] b = new float[O];
                int outSize = g.Batch * O * g.OutHeight * g.OutWidth;
                float[] dy = [.. Enumerable.Range(0, outSize).Select(_ => (float)rng.NextDouble() - 0.5f)];
                float[] y = new float[outSize], dx = new float[g.InputSize], dw = new float[w.Length];
                double flops = 2.0 * O * g.Rows * g.OutHeight * g.OutWidth * batch;
                double[] best = [double.MaxValue, double.MaxValue, double.MaxValue];
                using (KernelParallelism.Limit(1))
                {
                    for (int round = 0; round < 9; round++)
                    {
                        Action[] passes =
                        [
                            () => Convolution.Forward<float>(x, w, b, y, g, O),
                            () => Convolution.BackwardInput<float>(dy, w, dx, g, O),
                            () => Convolution.BackwardWeight<float>(x, dy, dw, g, O),
                        ];
                        for (int i = 0; i < passes.Length; i++)
                        {
                            var clock = Stopwatch.StartNew();
                            passes[i]();
                            best[i] = Math.Min(best[i], clock.Elapsed.TotalMilliseconds);
                        }
                    }
                }
                string Cell(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms,11:F2} {flops / ms / 1e6,7:F1}");
                output.WriteLine($"{$"{batch}x{c}x{side}x{side}",-22} {Cell(best[0])} {Cell(best[1])} {Cell(best[2])}");
            }
        }
    }

    /// <summary>
    /// The block tail on one thread at the two workloads' largest maps: the fused kernels
    /// (<see cref="PooledBatchNorm"/>) against batch norm, the 2x2 pool and the ReLU one after another, best of 9.
    /// </summary>
    public static void BatchNormPool(TextWriter output)
    {
        output.WriteLine($"{"map",-22} {"fused fwd ms",13} {"fused bwd ms",13} {"unfused fwd ms",15} {"unfused bwd ms",15}");
        foreach ((int n, int c, int side) in new[] { (75, 64, 28), (600, 64, 28), (600, 64, 14) })
        {
            var rng = new Random(2);
            int size = n * c * side * side, pooled = n * c * (side / 2) * (side / 2);
            float[] x = [.. Enumerable.Range(0, size).Select(_ => (float)rng.NextDouble() - 0.5f)];
            float[] w = [.. Enumerable.Range(0, c).Select(_ => 1f)], b = new float[c], g = [.. Enumerable.Range(0, pooled).Select(_ => (float)rng.NextDouble() - 0.5f)];
            float[] y = new float[pooled], mean = new float[c], variance = new float[c], dx = new float[size], dw = new float[c], db = new float[c];
            float[] normalised = new float[size], pooledValues = new float[pooled], relu = new float[pooled], scattered = new float[size];
            int[] index = new int[pooled];
            double[] best = [double.MaxValue, double.MaxValue, double.MaxValue, double.MaxValue];
            using (KernelParallelism.Limit(1))
            {
                for (int round = 0; round < 9; round++)
                {
                    var clock = Stopwatch.StartNew();
                    PooledBatchNorm.Forward<float>(x, n, c, side, side, w, b, 1e-5f, y, index, mean, variance);
                    best[0] = Math.Min(best[0], clock.Elapsed.TotalMilliseconds);
                    clock.Restart();
                    PooledBatchNorm.Backward<float>(x, g, y, index, n, c, side, side, w, b, mean, variance, 1e-5f, dx, dw, db);
                    best[1] = Math.Min(best[1], clock.Elapsed.TotalMilliseconds);
                    clock.Restart();
                    Normalization.BatchNormForward<float>(x, n, c, side * side, w, b, 1e-5f, normalised, mean, variance);
                    Pooling.MaxPool2x2<float>(normalised, n * c, side, side, pooledValues, index);
                    System.Numerics.Tensors.TensorPrimitives.Max(pooledValues, 0f, relu);
                    best[2] = Math.Min(best[2], clock.Elapsed.TotalMilliseconds);
                    clock.Restart();
                    Array.Clear(scattered);
                    for (int i = 0; i < pooled; i++)
                    {
                        scattered[(i / ((side / 2) * (side / 2))) * side * side + index[i]] += relu[i] > 0 ? g[i] : 0;
                    }
                    Normalization.BatchNormBackward<float>(x, scattered, n, c, side * side, w, mean, variance, 1e-5f, dx, dw, db);
                    best[3] = Math.Min(best[3], clock.Elapsed.TotalMilliseconds);
                }
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{$"{n}x{c}x{side}x{side}",-22} {best[0],13:F2} {best[1],13:F2} {best[2],15:F2} {best[3],15:F2}"));
        }
    }

    /// <summary>Window.Unfold and Window.Fold alone (im2col and col2im of the whole batch, one image at a time).</summary>
    public static void Unfold(TextWriter output)
    {
        output.WriteLine($"{"layer",-24} {"unfold ms",10} {"fold ms",10}");
        foreach ((string name, WindowGeometry g) in Layers)
        {
            var rng = new Random(1);
            float[] x = [.. Enumerable.Range(0, g.InputSize).Select(_ => (float)rng.NextDouble())];
            WindowGeometry one = g with { Batch = 1 };
            float[] columns = new float[one.Rows * one.Columns];
            double best = double.MaxValue, bestFold = double.MaxValue;
            for (int round = 0; round < 9; round++)
            {
                var clock = Stopwatch.StartNew();
                for (int n = 0; n < g.Batch; n++)
                {
                    Window.Unfold<float>(x.AsSpan(n * one.InputSize, one.InputSize), one, columns);
                }
                best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                for (int n = 0; n < g.Batch; n++)
                {
                    Window.Fold<float>(columns, one, x.AsSpan(n * one.InputSize, one.InputSize));
                }
                bestFold = Math.Min(bestFold, clock.Elapsed.TotalMilliseconds);
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-24} {best,10:F2} {bestFold,10:F2}"));
        }
    }

    /// <summary>2x2 max-pool forward: the general argmax loop then a gather (two passes) against the fused one-pass kernel.</summary>
    public static void Pool(TextWriter output)
    {
        output.WriteLine($"{"planes x H x W",-24} {"argmax+gather ms",17} {"fused ms",10} {"backward ms",12}");
        foreach ((int planes, int size) in new[] { (600 * 64, 28), (600 * 64, 14), (600 * 64, 7) })
        {
            var rng = new Random(2);
            // ReLU'd activations: about half exact zeros, as in the conv nets.
            float[] x = [.. Enumerable.Range(0, planes * size * size).Select(_ => Math.Max(0f, (float)rng.NextDouble() - 0.5f))];
            int outSize = planes * (size / 2) * (size / 2);
            int[] index = new int[outSize];
            float[] values = new float[outSize];
            double old = double.MaxValue, fused = double.MaxValue, backward = double.MaxValue;
            float[] dx = new float[x.Length];
            for (int round = 0; round < 9; round++)
            {
                var clock = Stopwatch.StartNew();
                Pooling.MaxPoolIndices<float>(x, planes, size, size, 2, 2, index);
                Layout.Gather<float>(x, planes, size * size, 1, index, (size / 2) * (size / 2), values);
                old = Math.Min(old, clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                Pooling.MaxPool2x2<float>(x, planes, size, size, values, index);
                fused = Math.Min(fused, clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                Array.Clear(dx);
                Layout.ScatterAdd<float>(values, planes, (size / 2) * (size / 2), 1, index, size * size, dx);
                backward = Math.Min(backward, clock.Elapsed.TotalMilliseconds);
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{$"{planes}x{size}x{size}",-24} {old,17:F2} {fused,10:F2} {backward,12:F2}"));
        }
    }
}

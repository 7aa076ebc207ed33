using BenchmarkDotNet.Attributes;

namespace MetaLearn.Kernels.Benchmarks;

/// <summary>The packed GEMM against <see cref="BaselineGemm"/>, single-threaded, float32.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] a = [], b = [], c = [];
    private KernelParallelism.Scope oneThread;

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.All[0];

    public static IEnumerable<GemmShape> Shapes => GemmShape.All;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(0);
        a = Enumerable.Range(0, Shape.M * Shape.K).Select(_ => (float)rng.NextDouble()).ToArray();
        b = Enumerable.Range(0, Shape.K * Shape.N).Select(_ => (float)rng.NextDouble()).ToArray();
        c = new float[Shape.M * Shape.N];
        // Once, not per call: opening a scope sets an AsyncLocal, which allocates and costs ~100 ns.
        oneThread = KernelParallelism.Limit(1);
    }

    [GlobalCleanup]
    public void Cleanup() => oneThread.Dispose();

    [Benchmark(Baseline = true)]
    public void Baseline() => BaselineGemm.Multiply<float>(Shape.TransposeA, Shape.TransposeB, Shape.M, Shape.N, Shape.K, a, b, c);

    [Benchmark]
    public void Packed() => Gemm.Multiply<float>(Shape.TransposeA, Shape.TransposeB, Shape.M, Shape.N, Shape.K, a, b, c);
}

namespace MetaLearn.Kernels.Tests;

/// <summary>
/// The memory-bound kernels that split channels, planes or rows across threads above
/// <see cref="KernelParallelism.MinParallelElements"/> give bit-identical results on 1 and 2 threads.
/// </summary>
public class ParallelKernelTests
{
    private const int Batch = 40, Channels = 16, Side = 28, Spatial = Side * Side;

    [Fact]
    public void BatchNormPoolingAndGathersDoNotDependOnTheThreadCount()
    {
        var rng = new Random(9);
        float[] x = [.. Enumerable.Range(0, Batch * Channels * Spatial).Select(_ => (float)rng.NextDouble() - 0.5f)];
        float[] dy = [.. Enumerable.Range(0, x.Length).Select(_ => (float)rng.NextDouble() - 0.5f)];
        float[] weight = [.. Enumerable.Range(0, Channels).Select(_ => (float)rng.NextDouble() + 0.5f)];
        float[] bias = [.. Enumerable.Range(0, Channels).Select(_ => (float)rng.NextDouble())];
        Assert.True(x.Length >= KernelParallelism.MinParallelElements);

        float[][] Run(int threads)
        {
            using KernelParallelism.Scope limit = KernelParallelism.Limit(threads);
            float[] y = new float[x.Length], mean = new float[Channels], variance = new float[Channels];
            Normalization.BatchNormForward<float>(x, Batch, Channels, Spatial, weight, bias, 1e-5f, y, mean, variance);
            float[] dx = new float[x.Length], dw = new float[Channels], db = new float[Channels];
            Normalization.BatchNormBackward<float>(x, dy, Batch, Channels, Spatial, weight, mean, variance, 1e-5f, dx, dw, db);
            float[] gx = new float[x.Length], gg = new float[x.Length], gw = new float[Channels];
            Normalization.BatchNormDoubleBackward<float>(x, dy, y, Batch, Channels, Spatial, weight, mean, variance, 1e-5f, gx, gg, gw);
            int planes = Batch * Channels, outPlane = Spatial / 4;
            float[] pooled = new float[planes * outPlane];
            int[] index = new int[pooled.Length];
            Pooling.MaxPool2x2<float>(y, planes, Side, Side, pooled, index);
            float[] gathered = new float[pooled.Length], scattered = new float[x.Length];
            Layout.Gather<float>(dx, planes, Spatial, 1, index, outPlane, gathered);
            Layout.ScatterAdd<float>(pooled, planes, outPlane, 1, index, Spatial, scattered);
            return [y, mean, variance, dx, dw, db, pooled, [.. index.Select(i => (float)i)], gathered, scattered, gx, gg, gw];
        }

        float[][] one = Run(1), two = Run(2);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.Equal(one[i], two[i]);
        }
        Assert.Contains(one[6], v => v != 0);
    }
}

using System.Numerics;

namespace MetaLearn.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation) of <c>[N, C, H, W]</c> input with <c>[O, C, KH, KW]</c> weights,
/// image by image: each image is unfolded into a pooled <c>[C*KH*KW, OH*OW]</c> scratch matrix and
/// multiplied by the weights, so the output lands in <c>[N, O, OH, OW]</c> order with no permute and the
/// column matrix never outlives the call.
/// </summary>
/// <remarks>
/// Up to <see cref="KernelParallelism.MaxThreads"/> threads share a call: the forward and input-gradient passes
/// split the images, the weight-gradient pass splits the output channels. Every output element is computed by
/// one thread in the same order as a single thread would, so results do not depend on the thread count.
/// </remarks>
public static class Convolution
{
    /// <summary>
    /// Effectively computes <c>y[n] = W @ unfold(x[n]) + bias</c> (bias per output channel; empty for none).
    /// <paramref name="g"/> describes the whole batch.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        unsafe
        {
            fixed (T* px = x, pw = weight, pb = bias, py = y)
            {
                T* xp = px, wp = pw, bp = pb, yp = py;
                int biasLength = bias.Length, xLength = x.Length, wLength = weight.Length, yLength = y.Length;
                ForEachImageRange(g.Batch, g, (start, end) =>
                {
                    WindowGeometry one = g with { Batch = 1 };
                    int k = one.Rows, l = one.Columns, imageSize = one.InputSize;
                    var xs = new ReadOnlySpan<T>(xp, xLength);
                    var ws = new ReadOnlySpan<T>(wp, wLength);
                    var bs = new ReadOnlySpan<T>(bp, biasLength);
                    var ys = new Span<T>(yp, yLength);
                    T[] columns = Scratch<T>.Get(k * l);
                    for (int n = start; n < end; n++)
                    {
                        Window.Unfold(xs.Slice(n * imageSize, imageSize), one, columns);
                        Span<T> image = ys.Slice(n * outChannels * l, outChannels * l);
                        if (bs.IsEmpty)
                        {
                            Gemm.Multiply<T>(false, false, outChannels, l, k, ws, columns, image);
                            continue;
                        }
                        for (int o = 0; o < outChannels; o++)
                        {
                            image.Slice(o * l, l).Fill(bs[o]);
                        }
                        Gemm.Multiply<T>(false, false, outChannels, l, k, ws, columns, image, accumulate: true);
                    }
                });
            }
        }
    }

    /// <summary>The input gradient: effectively computes <c>dx[n] = fold(W^T @ dy[n])</c>.</summary>
    public static void BackwardInput<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> weight, Span<T> dx, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        unsafe
        {
            fixed (T* pdy = dy, pw = weight, pdx = dx)
            {
                T* dyp = pdy, wp = pw, dxp = pdx;
                int dyLength = dy.Length, wLength = weight.Length, dxLength = dx.Length;
                ForEachImageRange(g.Batch, g, (start, end) =>
                {
                    WindowGeometry one = g with { Batch = 1 };
                    int k = one.Rows, l = one.Columns, imageSize = one.InputSize;
                    var dys = new ReadOnlySpan<T>(dyp, dyLength);
                    var ws = new ReadOnlySpan<T>(wp, wLength);
                    var dxs = new Span<T>(dxp, dxLength);
                    T[] columns = Scratch<T>.Get(k * l);
                    for (int n = start; n < end; n++)
                    {
                        Gemm.Multiply<T>(true, false, k, l, outChannels, ws, dys.Slice(n * outChannels * l, outChannels * l), columns);
                        Window.Fold<T>(columns, one, dxs.Slice(n * imageSize, imageSize));
                    }
                });
            }
        }
    }

    /// <summary>The weight gradient: effectively computes <c>dW = sum_n dy[n] @ unfold(x[n])^T</c>, summed in image order.</summary>
    public static void BackwardWeight<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        WindowGeometry one = g with { Batch = 1 };
        int k = one.Rows, l = one.Columns, imageSize = one.InputSize;
        dw[..(outChannels * k)].Clear();
        int threads = Threads(g.Batch, g);
        unsafe
        {
            fixed (T* px = x, pdy = dy, pdw = dw)
            {
                T* xp = px, dyp = pdy, dwp = pdw;
                int xLength = x.Length, dyLength = dy.Length;
                // Each thread owns a block of output channels (rows of dW) and walks every image in order.
                RunRanges(outChannels, threads, (o0, o1) =>
                {
                    var xs = new ReadOnlySpan<T>(xp, xLength);
                    var dys = new ReadOnlySpan<T>(dyp, dyLength);
                    var rows = new Span<T>(dwp + o0 * k, (o1 - o0) * k);
                    T[] columns = Scratch<T>.Get(k * l);
                    for (int n = 0; n < g.Batch; n++)
                    {
                        Window.Unfold(xs.Slice(n * imageSize, imageSize), one, columns);
                        Gemm.Multiply<T>(false, true, o1 - o0, k, l, dys.Slice((n * outChannels + o0) * l, (o1 - o0) * l), columns, rows, accumulate: true);
                    }
                });
            }
        }
    }

    /// <summary>Threads worth using: within the budget, and only when each gets a few million multiply-adds.</summary>
    private static int Threads(int items, WindowGeometry g)
    {
        long work = (long)g.Batch * g.Rows * g.OutHeight * g.OutWidth;
        return work < (1 << 20) ? 1 : Math.Max(1, Math.Min(KernelParallelism.MaxThreads, items));
    }

    private static void ForEachImageRange(int images, WindowGeometry g, Action<int, int> body) => RunRanges(images, Threads(images, g), body);

    /// <summary>Splits [0, count) into <paramref name="threads"/> contiguous ranges; GEMMs inside stay single-threaded.</summary>
    private static void RunRanges(int count, int threads, Action<int, int> body)
    {
        if (threads <= 1)
        {
            body(0, count);
            return;
        }
        using KernelParallelism.Scope single = KernelParallelism.Limit(1);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            body((int)((long)count * t / threads), (int)((long)count * (t + 1) / threads)));
    }
}

using System.Numerics;

namespace MetaLearn.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation) of <c>[N, C, H, W]</c> input with <c>[O, C, KH, KW]</c> weights, by one of three
/// methods chosen from the geometry:
/// <list type="bullet">
/// <item>3x3 "same" convolutions with at least 16 channels in and out use Winograd F(2x2, 3x3)
/// (Convolution.Winograd.cs: 2.25x fewer multiplications);</item>
/// <item>other stride-1 "same" convolutions on planes at least 7 wide (a one-channel first layer) multiply the weights
/// with shifted rows of each zero-padded image (Convolution.Shifted.cs: no column matrix at all);</item>
/// <item>every other geometry goes through im2col, a group of images at a time: the group is unfolded into a pooled
/// <c>[C*KH*KW, G*OH*OW]</c> scratch matrix and multiplied by the weights in one GEMM, so the column matrix never outlives
/// the call.</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>
/// For im2col, groups hold enough images for about <see cref="GroupColumns"/> GEMM columns: one image when its output plane is
/// that large already (the output then lands in <c>[N, O, OH, OW]</c> order directly), many when the plane is small
/// (3x3 or 1x1 in the last layers of a 4-layer convnet, where a per-image GEMM would be a matrix-vector product).
/// A grouped product is regrouped from <c>[O, G, OH*OW]</c> to <c>[G, O, OH*OW]</c> by one copy.
/// </para>
/// <para>
/// Up to <see cref="KernelParallelism.MaxThreads"/> threads share a call: the forward and input-gradient passes
/// split the groups, the weight-gradient pass splits the output channels. The groups depend only on the shapes,
/// and every output element is computed by one thread in the same order as a single thread would, so results do
/// not depend on the thread count.
/// </para>
/// </remarks>
internal static partial class Convolution
{
    /// <summary>The GEMM width (columns) a group of images aims for.</summary>
    internal static int GroupColumns { get; set; } = 256;

    /// <summary>Images per group for this geometry: 1 when an image alone fills <see cref="GroupColumns"/>.</summary>
    internal static int ImagesPerGroup(WindowGeometry g)
    {
        int plane = g.OutHeight * g.OutWidth;
        return Math.Clamp(GroupColumns / Math.Max(1, plane), 1, Math.Max(1, g.Batch));
    }

    /// <summary>Whether a convolution of this geometry runs on the Winograd or shifted-row kernels rather than by unfolding.</summary>
    internal static bool HasFastSamePath(WindowGeometry g, int outChannels) => UsesWinograd(g, outChannels) || UsesShiftedRows(g);

    /// <summary>
    /// Effectively computes <c>y[n] = W @ unfold(x[n]) + bias</c> (bias per output channel; empty for none).
    /// <paramref name="g"/> describes the whole batch.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (UsesWinograd(g, outChannels))
        {
            ForwardWinograd(x, weight, bias, y, g, outChannels);
        }
        else if (UsesShiftedRows(g))
        {
            ForwardShifted(x, weight, bias, y, g, outChannels);
        }
        else
        {
            ForwardColumns(x, weight, bias, y, g, outChannels);
        }
    }

    /// <summary><see cref="Forward"/> through im2col: a group of images unfolded into a column matrix, one GEMM per group.</summary>
    internal static void ForwardColumns<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int perGroup = ImagesPerGroup(g);
        unsafe
        {
            fixed (T* px = x, pw = weight, pb = bias, py = y)
            {
                T* xp = px, wp = pw, bp = pb, yp = py;
                int biasLength = bias.Length, xLength = x.Length, wLength = weight.Length, yLength = y.Length;
                ForEachGroupRange(g, perGroup, (start, end) =>
                {
                    WindowGeometry one = g with { Batch = 1 };
                    int k = one.Rows, l = one.Columns, imageSize = one.InputSize;
                    var xs = new ReadOnlySpan<T>(xp, xLength);
                    var ws = new ReadOnlySpan<T>(wp, wLength);
                    var bs = new ReadOnlySpan<T>(bp, biasLength);
                    var ys = new Span<T>(yp, yLength);
                    int wide = perGroup * l;
                    Span<T> scratch = Scratch<T>.Get(k * wide + (perGroup > 1 ? outChannels * wide : 0));
                    Span<T> columns = scratch[..(k * wide)];
                    for (int n = start; n < end; n += perGroup)
                    {
                        int images = Math.Min(perGroup, end - n), cols = images * l;
                        Window.Unfold(xs.Slice(n * imageSize, images * imageSize), g with { Batch = images }, columns);
                        // One image: straight into its output. A group: into [O, images * l], then regrouped.
                        Span<T> product = images == 1 && perGroup == 1 ? ys.Slice(n * outChannels * l, outChannels * l)
                            : scratch.Slice(k * wide, outChannels * cols);
                        if (bs.IsEmpty)
                        {
                            Gemm.Multiply<T>(false, false, outChannels, cols, k, ws, columns[..(k * cols)], product);
                        }
                        else
                        {
                            Gemm.MultiplyRowBias<T>(false, false, outChannels, cols, k, ws, columns[..(k * cols)], bs, product);
                        }
                        if (perGroup > 1)
                        {
                            Regroup<T>(product, ys.Slice(n * outChannels * l, images * outChannels * l), outChannels, images, l);
                        }
                    }
                });
            }
        }
    }

    /// <summary>The input gradient: effectively computes <c>dx[n] = fold(W^T @ dy[n])</c>.</summary>
    public static void BackwardInput<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> weight, Span<T> dx, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (UsesWinograd(g, outChannels))
        {
            BackwardInputWinograd(dy, weight, dx, g, outChannels);
        }
        else if (UsesShiftedRows(g) && g.Channels >= Gemm.MaxTileRows)
        {
            BackwardInputShifted(dy, weight, dx, g, outChannels);
        }
        else
        {
            BackwardInputColumns(dy, weight, dx, g, outChannels);
        }
    }

    /// <summary><see cref="BackwardInput"/> through col2im: one GEMM per group of images, folded back onto the input.</summary>
    internal static void BackwardInputColumns<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> weight, Span<T> dx, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int perGroup = ImagesPerGroup(g);
        unsafe
        {
            fixed (T* pdy = dy, pw = weight, pdx = dx)
            {
                T* dyp = pdy, wp = pw, dxp = pdx;
                int dyLength = dy.Length, wLength = weight.Length, dxLength = dx.Length;
                ForEachGroupRange(g, perGroup, (start, end) =>
                {
                    WindowGeometry one = g with { Batch = 1 };
                    int k = one.Rows, l = one.Columns, imageSize = one.InputSize;
                    var dys = new ReadOnlySpan<T>(dyp, dyLength);
                    var ws = new ReadOnlySpan<T>(wp, wLength);
                    var dxs = new Span<T>(dxp, dxLength);
                    int wide = perGroup * l;
                    Span<T> scratch = Scratch<T>.Get(k * wide + (perGroup > 1 ? outChannels * wide : 0));
                    Span<T> columns = scratch[..(k * wide)];
                    for (int n = start; n < end; n += perGroup)
                    {
                        int images = Math.Min(perGroup, end - n), cols = images * l;
                        ReadOnlySpan<T> grads = dys.Slice(n * outChannels * l, images * outChannels * l);
                        if (perGroup > 1)
                        {
                            Span<T> gathered = scratch.Slice(k * wide, outChannels * cols);
                            Ungroup(grads, gathered, outChannels, images, l);
                            grads = gathered;
                        }
                        Gemm.Multiply<T>(true, false, k, cols, outChannels, ws, grads, columns);
                        Window.Fold<T>(columns[..(k * cols)], g with { Batch = images }, dxs.Slice(n * imageSize, images * imageSize));
                    }
                });
            }
        }
    }

    /// <summary>The weight gradient: effectively computes <c>dW = sum_n dy[n] @ unfold(x[n])^T</c>, summed in group order.</summary>
    /// <remarks>
    /// With a non-empty <paramref name="dbias"/>, also effectively computes the bias gradient <c>dbias[o] = sum of dy[n, o]</c>
    /// over images and positions, from the pass over dy this kernel makes anyway (a convolution's bias gradient was a
    /// separate full read of dy).
    /// </remarks>
    public static void BackwardWeight<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, WindowGeometry g, int outChannels, Span<T> dbias = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!dbias.IsEmpty && dbias.Length < outChannels)
        {
            throw new ArgumentException($"Convolution.BackwardWeight: the bias gradient has {dbias.Length} values for {outChannels} channels.");
        }
        if (UsesWinograd(g, outChannels))
        {
            BackwardWeightWinograd(x, dy, dw, g, outChannels, dbias);
        }
        else if (UsesShiftedRows(g))
        {
            BackwardWeightShifted(x, dy, dw, g, outChannels, dbias);
        }
        else
        {
            BackwardWeightColumns(x, dy, dw, g, outChannels);
            if (!dbias.IsEmpty)
            {
                PlaneSums(dy, g.Batch, outChannels, g.OutHeight * g.OutWidth, dbias);
            }
        }
    }

    /// <summary><c>sums[o] = sum over n of sum(planes[n, o])</c>, images in order.</summary>
    private static void PlaneSums<T>(ReadOnlySpan<T> planes, int batch, int channels, int plane, Span<T> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < channels; o++)
        {
            T sum = T.Zero;
            for (int n = 0; n < batch; n++)
            {
                sum += System.Numerics.Tensors.TensorPrimitives.Sum(planes.Slice((n * channels + o) * plane, plane));
            }
            sums[o] = sum;
        }
    }

    /// <summary><see cref="BackwardWeight"/> through im2col, accumulated over groups of images in order.</summary>
    internal static void BackwardWeightColumns<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        WindowGeometry one = g with { Batch = 1 };
        int k = one.Rows, l = one.Columns, imageSize = one.InputSize;
        int perGroup = ImagesPerGroup(g);
        dw[..(outChannels * k)].Clear();
        int threads = Threads(g.Batch, g);
        unsafe
        {
            fixed (T* px = x, pdy = dy, pdw = dw)
            {
                T* xp = px, dyp = pdy, dwp = pdw;
                int xLength = x.Length, dyLength = dy.Length;
                // Each thread owns a block of output channels (rows of dW) and walks every group in order.
                KernelParallelism.RunRanges(outChannels, threads, (o0, o1) =>
                {
                    var xs = new ReadOnlySpan<T>(xp, xLength);
                    var dys = new ReadOnlySpan<T>(dyp, dyLength);
                    var rows = new Span<T>(dwp + o0 * k, (o1 - o0) * k);
                    int wide = perGroup * l, owned = o1 - o0;
                    Span<T> scratch = Scratch<T>.Get(k * wide + (perGroup > 1 ? owned * wide : 0));
                    Span<T> columns = scratch[..(k * wide)];
                    for (int n = 0; n < g.Batch; n += perGroup)
                    {
                        int images = Math.Min(perGroup, g.Batch - n), cols = images * l;
                        Window.Unfold(xs.Slice(n * imageSize, images * imageSize), g with { Batch = images }, columns);
                        ReadOnlySpan<T> grads;
                        if (perGroup > 1)
                        {
                            Span<T> gathered = scratch.Slice(k * wide, owned * cols);
                            Ungroup(dys.Slice(n * outChannels * l, images * outChannels * l), gathered, outChannels, images, l, o0, o1);
                            grads = gathered;
                        }
                        else
                        {
                            grads = dys.Slice((n * outChannels + o0) * l, owned * l);
                        }
                        Gemm.Multiply<T>(false, true, owned, k, cols, grads, columns[..(k * cols)], rows, accumulate: true);
                    }
                });
            }
        }
    }

    /// <summary><c>[O, G, L]</c> (<paramref name="source"/>, a grouped product) to <c>[G, O, L]</c> (<paramref name="target"/>).</summary>
    private static void Regroup<T>(ReadOnlySpan<T> source, Span<T> target, int channels, int images, int plane)
    {
        for (int o = 0; o < channels; o++)
        {
            for (int i = 0; i < images; i++)
            {
                source.Slice((o * images + i) * plane, plane).CopyTo(target.Slice((i * channels + o) * plane, plane));
            }
        }
    }

    /// <summary>Channels [<paramref name="o0"/>, <paramref name="o1"/>) of <c>[G, O, L]</c> to <c>[o1 - o0, G, L]</c>.</summary>
    private static void Ungroup<T>(ReadOnlySpan<T> source, Span<T> target, int channels, int images, int plane, int o0 = 0, int o1 = -1)
    {
        if (o1 < 0)
        {
            o1 = channels;
        }
        for (int o = o0; o < o1; o++)
        {
            for (int i = 0; i < images; i++)
            {
                source.Slice((i * channels + o) * plane, plane).CopyTo(target.Slice(((o - o0) * images + i) * plane, plane));
            }
        }
    }

    /// <summary>Threads worth using: within the budget, and only when each gets a few million multiply-adds.</summary>
    private static int Threads(int items, WindowGeometry g)
    {
        long work = (long)g.Batch * g.Rows * g.OutHeight * g.OutWidth;
        return work < (1 << 20) ? 1 : Math.Max(1, Math.Min(KernelParallelism.MaxThreads, items));
    }

    /// <summary>
    /// Runs <paramref name="body"/> on contiguous image ranges that start on group boundaries (multiples of
    /// <paramref name="perGroup"/>), one range per thread.
    /// </summary>
    private static void ForEachGroupRange(WindowGeometry g, int perGroup, Action<int, int> body)
    {
        int groups = (g.Batch + perGroup - 1) / perGroup;
        KernelParallelism.RunRanges(groups, Threads(groups, g), (g0, g1) => body(g0 * perGroup, Math.Min(g.Batch, g1 * perGroup)));
    }
}

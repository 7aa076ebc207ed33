using System.Buffers;
using System.Numerics;

namespace MetaLearn.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation) of <c>[N, C, H, W]</c> input with <c>[O, C, KH, KW]</c> weights,
/// image by image: each image is unfolded into a pooled <c>[C*KH*KW, OH*OW]</c> scratch matrix and
/// multiplied by the weights, so the output lands in <c>[N, O, OH, OW]</c> order with no permute and the
/// column matrix never outlives the call.
/// </summary>
public static class Convolution
{
    /// <summary>
    /// Effectively computes <c>y[n] = W @ unfold(x[n]) + bias</c> (bias per output channel; empty for none).
    /// <paramref name="g"/> describes the whole batch.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        WindowGeometry one = g with { Batch = 1 };
        int k = one.Rows, l = one.Columns, imageSize = one.InputSize;
        T[] columns = ArrayPool<T>.Shared.Rent(k * l);
        try
        {
            for (int n = 0; n < g.Batch; n++)
            {
                Window.Unfold(x.Slice(n * imageSize, imageSize), one, columns);
                Span<T> image = y.Slice(n * outChannels * l, outChannels * l);
                if (bias.IsEmpty)
                {
                    Gemm.Multiply<T>(false, false, outChannels, l, k, weight, columns, image);
                    continue;
                }
                for (int o = 0; o < outChannels; o++)
                {
                    image.Slice(o * l, l).Fill(bias[o]);
                }
                Gemm.Multiply<T>(false, false, outChannels, l, k, weight, columns, image, accumulate: true);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(columns);
        }
    }

    /// <summary>The input gradient: effectively computes <c>dx[n] = fold(W^T @ dy[n])</c>.</summary>
    public static void BackwardInput<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> weight, Span<T> dx, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        WindowGeometry one = g with { Batch = 1 };
        int k = one.Rows, l = one.Columns, imageSize = one.InputSize;
        T[] columns = ArrayPool<T>.Shared.Rent(k * l);
        try
        {
            for (int n = 0; n < g.Batch; n++)
            {
                Gemm.Multiply<T>(true, false, k, l, outChannels, weight, dy.Slice(n * outChannels * l, outChannels * l), columns);
                Window.Fold<T>(columns, one, dx.Slice(n * imageSize, imageSize));
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(columns);
        }
    }

    /// <summary>The weight gradient: effectively computes <c>dW = sum_n dy[n] @ unfold(x[n])^T</c>, summed in image order.</summary>
    public static void BackwardWeight<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        WindowGeometry one = g with { Batch = 1 };
        int k = one.Rows, l = one.Columns, imageSize = one.InputSize;
        dw[..(outChannels * k)].Clear();
        T[] columns = ArrayPool<T>.Shared.Rent(k * l);
        try
        {
            for (int n = 0; n < g.Batch; n++)
            {
                Window.Unfold(x.Slice(n * imageSize, imageSize), one, columns);
                Gemm.Multiply<T>(false, true, outChannels, k, l, dy.Slice(n * outChannels * l, outChannels * l), columns, dw, accumulate: true);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(columns);
        }
    }
}

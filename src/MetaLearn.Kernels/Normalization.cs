using System.Numerics;
using System.Numerics.Tensors;

namespace MetaLearn.Kernels;

/// <summary>Batch normalisation over <c>[N, C, S]</c> (S = spatial size, 1 for <c>[N, C]</c> input).</summary>
public static class Normalization
{
    /// <summary>
    /// Per channel c: the batch mean and biased variance over (n, s), then effectively computes
    /// <c>y = (x - mean) / sqrt(var + eps) * weight + bias</c>. Two passes (mean, then centred squares) for accuracy.
    /// </summary>
    public static void BatchNormForward<T>(
        ReadOnlySpan<T> x, int batch, int channels, int spatial, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, T eps,
        Span<T> y, Span<T> mean, Span<T> variance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        unsafe
        {
            fixed (T* px = x, pw = weight, pb = bias, py = y, pm = mean, pv = variance)
            {
                T* xp = px, wp = pw, bp = pb, yp = py, mp = pm, vp = pv;
                int xl = x.Length, wl = weight.Length, bl = bias.Length, yl = y.Length, ml = mean.Length, vl = variance.Length;
                // Channels are independent: each thread owns a block of them, so results do not depend on the thread count.
                KernelParallelism.ForRanges(channels, x.Length, (c0, c1) => ForwardChannels(
                    new ReadOnlySpan<T>(xp, xl), batch, channels, spatial, new ReadOnlySpan<T>(wp, wl), new ReadOnlySpan<T>(bp, bl), eps,
                    new Span<T>(yp, yl), new Span<T>(mp, ml), new Span<T>(vp, vl), c0, c1));
            }
        }
    }

    private static void ForwardChannels<T>(
        ReadOnlySpan<T> x, int batch, int channels, int spatial, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, T eps,
        Span<T> y, Span<T> mean, Span<T> variance, int c0, int c1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T count = T.CreateTruncating(batch * spatial);
        for (int c = c0; c < c1; c++)
        {
            T sum = T.Zero;
            for (int n = 0; n < batch; n++)
            {
                sum += TensorPrimitives.Sum(x.Slice((n * channels + c) * spatial, spatial));
            }
            T m = sum / count;
            T squares = T.Zero;
            for (int n = 0; n < batch; n++)
            {
                squares += RowOps.SumOfSquaredDeviations(x.Slice((n * channels + c) * spatial, spatial), m);
            }
            T v = squares / count;
            mean[c] = m;
            variance[c] = v;
            T scale = weight[c] / T.Sqrt(v + eps);
            T shift = bias[c] - m * scale;
            for (int n = 0; n < batch; n++)
            {
                int offset = (n * channels + c) * spatial;
                RowOps.Affine(x.Slice(offset, spatial), scale, shift, y.Slice(offset, spatial));
            }
        }
    }

    /// <summary>
    /// The first-order backward of <see cref="BatchNormForward{T}"/> in one fused pass per channel, with M = N*S:
    /// <c>dbias = sum(dy)</c>, <c>dweight = sum(dy * xhat)</c>,
    /// <c>dx = weight * invstd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))</c>, where <c>xhat = (x - mean) * invstd</c>.
    /// </summary>
    public static void BatchNormBackward<T>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int batch, int channels, int spatial, ReadOnlySpan<T> weight,
        ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, T eps, Span<T> dx, Span<T> dweight, Span<T> dbias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        unsafe
        {
            fixed (T* px = x, pdy = dy, pw = weight, pm = mean, pv = variance, pdx = dx, pdw = dweight, pdb = dbias)
            {
                T* xp = px, dyp = pdy, wp = pw, mp = pm, vp = pv, dxp = pdx, dwp = pdw, dbp = pdb;
                int xl = x.Length, dyl = dy.Length, wl = weight.Length, ml = mean.Length, vl = variance.Length;
                int dxl = dx.Length, dwl = dweight.Length, dbl = dbias.Length;
                KernelParallelism.ForRanges(channels, x.Length, (c0, c1) => BackwardChannels(
                    new ReadOnlySpan<T>(xp, xl), new ReadOnlySpan<T>(dyp, dyl), batch, channels, spatial, new ReadOnlySpan<T>(wp, wl),
                    new ReadOnlySpan<T>(mp, ml), new ReadOnlySpan<T>(vp, vl), eps, new Span<T>(dxp, dxl), new Span<T>(dwp, dwl), new Span<T>(dbp, dbl), c0, c1));
            }
        }
    }

    private static void BackwardChannels<T>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> dy, int batch, int channels, int spatial, ReadOnlySpan<T> weight,
        ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, T eps, Span<T> dx, Span<T> dweight, Span<T> dbias, int c0, int c1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T count = T.CreateTruncating(batch * spatial);
        for (int c = c0; c < c1; c++)
        {
            T m = mean[c], invStd = T.One / T.Sqrt(variance[c] + eps);
            T sumDy = T.Zero, sumDyX = T.Zero;
            for (int n = 0; n < batch; n++)
            {
                int offset = (n * channels + c) * spatial;
                (T rowSum, T rowDot) = RowOps.SumAndDot(dy.Slice(offset, spatial), x.Slice(offset, spatial));
                sumDy += rowSum;
                sumDyX += rowDot;
            }
            // sum(dy * (x - mean)) = sum(dy * x) - mean * sum(dy)
            T sumDyCentred = sumDyX - m * sumDy;
            if (!dbias.IsEmpty)
            {
                dbias[c] = sumDy;
            }
            if (!dweight.IsEmpty)
            {
                dweight[c] = sumDyCentred * invStd;
            }
            if (dx.IsEmpty)
            {
                continue;
            }
            // dx = a * dy + b * x + shift: a = w*invstd, b = -a*invstd^2*sum(dy*(x-m))/M, shift = -a*sum(dy)/M - b*m.
            T a = weight[c] * invStd;
            T b = -a * invStd * invStd * sumDyCentred / count;
            T shift = -(a * sumDy / count) - b * m;
            for (int n = 0; n < batch; n++)
            {
                int offset = (n * channels + c) * spatial;
                RowOps.LinearCombination(dy.Slice(offset, spatial), a, x.Slice(offset, spatial), b, shift, dx.Slice(offset, spatial));
            }
        }
    }
}

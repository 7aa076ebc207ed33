using System.Numerics;
using System.Numerics.Tensors;

namespace MetaLearn.Kernels;

/// <summary>Batch normalisation over <c>[N, C, S]</c> (S = spatial size, 1 for <c>[N, C]</c> input).</summary>
internal static class Normalization
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
        for (int c = c0; c < c1; c++)
        {
            (T m, T v) = Moments(x, batch, channels, spatial, c);
            mean[c] = m;
            variance[c] = v;
            (T scale, T shift) = AffineOf(weight[c], bias[c], m, v, eps);
            for (int n = 0; n < batch; n++)
            {
                int offset = (n * channels + c) * spatial;
                RowOps.Affine(x.Slice(offset, spatial), scale, shift, y.Slice(offset, spatial));
            }
        }
    }

    /// <summary>Channel <paramref name="c"/>'s batch mean and biased variance: two passes (the mean, then centred squares) for accuracy.</summary>
    internal static (T Mean, T Variance) Moments<T>(ReadOnlySpan<T> x, int batch, int channels, int spatial, int c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T count = T.CreateTruncating(batch * spatial);
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
        return (m, squares / count);
    }

    /// <summary>The normalisation as one affine map per channel: <c>y = x * scale + shift</c>.</summary>
    internal static (T Scale, T Shift) AffineOf<T>(T weight, T bias, T mean, T variance, T eps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T scale = weight / T.Sqrt(variance + eps);
        return (scale, bias - mean * scale);
    }

    /// <summary>
    /// The first-order backward for one channel from its two sums over the M values, <c>sum(dy)</c> and
    /// <c>sum(dy * (x - mean))</c>: <c>dx = a * dy + b * x + shift</c>, and the weight and bias gradients.
    /// </summary>
    internal static (T A, T B, T Shift, T DWeight, T DBias) BackwardCoefficients<T>(T weight, T mean, T variance, T eps, T sumDy, T sumDyCentred, T count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T invStd = T.One / T.Sqrt(variance + eps);
        // dx = a * dy + b * x + shift: a = w*invstd, b = -a*invstd^2*sum(dy*(x-m))/M, shift = -a*sum(dy)/M - b*m.
        T a = weight * invStd;
        T b = -a * invStd * invStd * sumDyCentred / count;
        T shift = -(a * sumDy / count) - b * mean;
        return (a, b, shift, sumDyCentred * invStd, sumDy);
    }

    /// <summary>
    /// The first-order backward of <see cref="BatchNormForward{T}"/> in one fused pass per channel, with M = N*S:
    /// <c>dbias = sum(dy)</c>, <c>dweight = sum(dy * xhat)</c>,
    /// <c>dx = weight * invstd / M * (M * dy - sum(dy) - xhat * sum(dy * xhat))</c>, where <c>xhat = (x - mean) * invstd</c>.
    /// An empty output span is skipped; <paramref name="weight"/> is read only for <paramref name="dx"/> and may be empty without it.
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
            T sumDy = T.Zero, sumDyX = T.Zero;
            for (int n = 0; n < batch; n++)
            {
                int offset = (n * channels + c) * spatial;
                (T rowSum, T rowDot) = RowOps.SumAndDot(dy.Slice(offset, spatial), x.Slice(offset, spatial));
                sumDy += rowSum;
                sumDyX += rowDot;
            }
            // sum(dy * (x - mean)) = sum(dy * x) - mean * sum(dy)
            (T a, T b, T shift, T dw, T db) = BackwardCoefficients(dx.IsEmpty ? T.Zero : weight[c], mean[c], variance[c], eps, sumDy, sumDyX - mean[c] * sumDy, count);
            if (!dbias.IsEmpty)
            {
                dbias[c] = db;
            }
            if (!dweight.IsEmpty)
            {
                dweight[c] = dw;
            }
            if (dx.IsEmpty)
            {
                continue;
            }
            for (int n = 0; n < batch; n++)
            {
                int offset = (n * channels + c) * spatial;
                RowOps.LinearCombination(dy.Slice(offset, spatial), a, x.Slice(offset, spatial), b, shift, dx.Slice(offset, spatial));
            }
        }
    }

    /// <summary>
    /// The backward of the input gradient of <see cref="BatchNormBackward{T}"/>, for second-order methods. With
    /// <c>dx = w * r * (g - mean(g) - xhat * mean(g * xhat))</c> (per channel, <c>r = 1 / sqrt(var + eps)</c>,
    /// <c>xhat = (x - mean) * r</c>, means over the M = N*S values) and <paramref name="a"/> the gradient with respect
    /// to <c>dx</c>, effectively computes, with <c>m1 = mean(g * xhat)</c>, <c>m2 = mean(a * xhat)</c> and
    /// <c>cov = mean(a * g) - mean(a) * mean(g)</c>:
    /// <c>gx = w * r^2 * ((3 * m1 * m2 - cov) * xhat - m2 * (g - mean(g)) - m1 * (a - mean(a)))</c>,
    /// <c>gg = w * r * (a - mean(a) - xhat * m2)</c> and <c>gw = M * r * (cov - m1 * m2)</c>.
    /// Two passes per channel: the five sums, then gx and gg. An empty output span is skipped.
    /// </summary>
    public static void BatchNormDoubleBackward<T>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> g, ReadOnlySpan<T> a, int batch, int channels, int spatial, ReadOnlySpan<T> weight,
        ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, T eps, Span<T> gx, Span<T> gg, Span<T> gw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        unsafe
        {
            fixed (T* px = x, pg = g, pa = a, pw = weight, pm = mean, pv = variance, pgx = gx, pgg = gg, pgw = gw)
            {
                T* xp = px, gp = pg, ap = pa, wp = pw, mp = pm, vp = pv, gxp = pgx, ggp = pgg, gwp = pgw;
                int xl = x.Length, wl = weight.Length, ml = mean.Length, gxl = gx.Length, ggl = gg.Length, gwl = gw.Length;
                KernelParallelism.ForRanges(channels, 3L * x.Length, (c0, c1) => DoubleBackwardChannels(
                    new ReadOnlySpan<T>(xp, xl), new ReadOnlySpan<T>(gp, xl), new ReadOnlySpan<T>(ap, xl), batch, channels, spatial,
                    new ReadOnlySpan<T>(wp, wl), new ReadOnlySpan<T>(mp, ml), new ReadOnlySpan<T>(vp, ml), eps,
                    new Span<T>(gxp, gxl), new Span<T>(ggp, ggl), new Span<T>(gwp, gwl), c0, c1));
            }
        }
    }

    private static void DoubleBackwardChannels<T>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> g, ReadOnlySpan<T> a, int batch, int channels, int spatial, ReadOnlySpan<T> weight,
        ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, T eps, Span<T> gx, Span<T> gg, Span<T> gw, int c0, int c1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T count = T.CreateTruncating(batch * spatial);
        T three = T.CreateTruncating(3);
        for (int c = c0; c < c1; c++)
        {
            T mu = mean[c], r = T.One / T.Sqrt(variance[c] + eps), w = weight[c];
            T sumG = T.Zero, sumA = T.Zero, sumGX = T.Zero, sumAX = T.Zero, sumAG = T.Zero;
            for (int n = 0; n < batch; n++)
            {
                int offset = (n * channels + c) * spatial;
                RowOps.CentredMoments(x.Slice(offset, spatial), mu, g.Slice(offset, spatial), a.Slice(offset, spatial),
                    ref sumG, ref sumA, ref sumGX, ref sumAX, ref sumAG);
            }
            T meanG = sumG / count, meanA = sumA / count;
            T m1 = r * sumGX / count, m2 = r * sumAX / count;
            T cov = sumAG / count - meanA * meanG;
            if (!gw.IsEmpty)
            {
                gw[c] = count * r * (cov - m1 * m2);
            }
            // In terms of the centred xc = x - mean:
            // gx = w r^3 (3 m1 m2 - cov) xc - w r^2 m2 g - w r^2 m1 a + w r^2 (m2 mean(g) + m1 mean(a)),
            // gg = w r a - w r^2 m2 xc - w r mean(a).
            T wr = w * r, wr2 = wr * r;
            T xCoefficient = wr2 * r * (three * m1 * m2 - cov), gCoefficient = -wr2 * m2, aCoefficient = -wr2 * m1;
            T gxShift = wr2 * (m2 * meanG + m1 * meanA);
            for (int n = 0; n < batch; n++)
            {
                int offset = (n * channels + c) * spatial;
                if (!gx.IsEmpty)
                {
                    RowOps.CentredCombination(x.Slice(offset, spatial), mu, xCoefficient, g.Slice(offset, spatial), gCoefficient,
                        a.Slice(offset, spatial), aCoefficient, gxShift, gx.Slice(offset, spatial));
                }
                if (!gg.IsEmpty)
                {
                    RowOps.LinearCombination(a.Slice(offset, spatial), wr, x.Slice(offset, spatial), gCoefficient, gCoefficient * -mu - wr * meanA,
                        gg.Slice(offset, spatial));
                }
            }
        }
    }

    /// <summary>
    /// The backward of the weight gradient <c>dw = sum(g * xhat)</c> of <see cref="BatchNormBackward{T}"/>: with
    /// <paramref name="b"/> the gradient with respect to <c>dw</c> (one value per channel), effectively computes
    /// <c>gx = b * r * (g - mean(g) - xhat * mean(g * xhat))</c> (the input gradient of a batch norm with weight
    /// <c>b</c>) and <c>gg = b * xhat</c>. An empty output span is skipped.
    /// </summary>
    public static void BatchNormWeightGradBackward<T>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> g, ReadOnlySpan<T> b, int batch, int channels, int spatial,
        ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, T eps, Span<T> gx, Span<T> gg)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!gx.IsEmpty)
        {
            BatchNormBackward(x, g, batch, channels, spatial, b, mean, variance, eps, gx, default, default);
        }
        if (gg.IsEmpty)
        {
            return;
        }
        for (int c = 0; c < channels; c++)
        {
            T scale = b[c] / T.Sqrt(variance[c] + eps);
            for (int n = 0; n < batch; n++)
            {
                int offset = (n * channels + c) * spatial;
                RowOps.Affine(x.Slice(offset, spatial), scale, -mean[c] * scale, gg.Slice(offset, spatial));
            }
        }
    }
}

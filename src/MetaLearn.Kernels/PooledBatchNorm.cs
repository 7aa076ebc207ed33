using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MetaLearn.Kernels;

/// <summary>
/// The tail of a convnet block, <c>relu(maxpool2x2(batchnorm(x)))</c> with batch statistics, without its two full-size
/// intermediates: the normalised values exist only in registers on their way into the windows, and the backward pass
/// never builds the scattered, mostly-zero gradient of the normalised values. Planes <c>[N, C, H, W]</c>; the pooled
/// output is <c>[N, C, H/2, W/2]</c> (a last odd row or column is not pooled, and still counts in the statistics).
/// </summary>
internal static class PooledBatchNorm
{
    /// <summary>
    /// Per channel, the batch mean and biased variance (as <see cref="Normalization.BatchNormForward{T}"/>), then for
    /// every 2x2 window of <c>z = x * scale + shift</c> (the same values batch norm writes) the flat in-plane position of its
    /// first maximal element (a NaN wins, as in <see cref="Pooling.MaxPool2x2{T}"/>) and <c>y = max(z_max, 0)</c> (NaN stays NaN).
    /// </summary>
    public static void Forward<T>(
        ReadOnlySpan<T> x, int batch, int channels, int height, int width, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, T eps,
        Span<T> y, Span<int> indices, Span<T> mean, Span<T> variance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = height * width, outPlane = height / 2 * (width / 2);
        long planes = (long)batch * channels;
        if (x.Length < planes * plane || y.Length < planes * outPlane || indices.Length < planes * outPlane
            || weight.Length < channels || bias.Length < channels || mean.Length < channels || variance.Length < channels)
        {
            throw new ArgumentException($"PooledBatchNorm.Forward: spans too short for [{batch}, {channels}, {height}, {width}].");
        }
        int[] corners = Corners(height, width);
        unsafe
        {
            fixed (T* px = x, pw = weight, pb = bias, py = y, pm = mean, pv = variance)
            fixed (int* pi = indices)
            {
                T* xp = px, wp = pw, bp = pb, yp = py, mp = pm, vp = pv;
                int* ip = pi;
                int xl = x.Length;
                // Channels are independent: each thread owns a block of them, so results do not depend on the thread count.
                KernelParallelism.ForRanges(channels, x.Length, (c0, c1) =>
                {
                    var xs = new ReadOnlySpan<T>(xp, xl);
                    for (int c = c0; c < c1; c++)
                    {
                        (T m, T v) = Normalization.Moments(xs, batch, channels, plane, c);
                        mp[c] = m;
                        vp[c] = v;
                        (T scale, T shift) = Normalization.AffineOf(wp[c], bp[c], m, v, eps);
                        for (int n = 0; n < batch; n++)
                        {
                            long p = (long)n * channels + c;
                            Windows(xp + p * plane, width, corners, scale, shift, yp + p * outPlane, ip + p * outPlane);
                        }
                    }
                });
            }
        }
    }

    /// <summary>
    /// The first-order backward of <see cref="Forward{T}"/> given the gradient <paramref name="g"/> of its output
    /// <paramref name="y"/>. The gradient of the normalised values is <c>g</c> at each window's argmax where <c>y &gt; 0</c>
    /// and zero elsewhere (<c>gm</c>), so batch norm's two sums (<see cref="Normalization.BatchNormBackward{T}"/>) run over the
    /// windows only, and one pass writes <c>dx = b * x + shift</c> everywhere plus <c>a * g</c> at the argmax positions.
    /// Where <c>gm</c> is not zero, <c>y</c> is the normalised value <c>(x - mean) * scale + bias</c>, so the centred sum
    /// <c>sum(gm * (x - mean)) = (sum(gm * y) - bias * sum(gm)) / scale</c>: a contiguous dot product with <c>y</c> instead of
    /// gathering <c>x</c> at the argmax positions (gathered only for a channel with zero scale).
    /// An empty output span is skipped.
    /// </summary>
    public static void Backward<T>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> g, ReadOnlySpan<T> y, ReadOnlySpan<int> indices, int batch, int channels, int height, int width,
        ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, T eps, Span<T> dx, Span<T> dweight, Span<T> dbias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = height * width, outPlane = height / 2 * (width / 2);
        long planes = (long)batch * channels;
        if (x.Length < planes * plane || g.Length < planes * outPlane || y.Length < planes * outPlane || indices.Length < planes * outPlane
            || (!dx.IsEmpty && dx.Length < planes * plane) || weight.Length < channels || bias.Length < channels || mean.Length < channels || variance.Length < channels)
        {
            throw new ArgumentException($"PooledBatchNorm.Backward: spans too short for [{batch}, {channels}, {height}, {width}].");
        }
        unsafe
        {
            fixed (T* px = x, pg = g, py = y, pw = weight, pbias = bias, pm = mean, pv = variance, pdx = dx, pdw = dweight, pdb = dbias)
            fixed (int* pi = indices)
            {
                T* xp = px, gp = pg, yp = py, wp = pw, biasp = pbias, mp = pm, vp = pv, dxp = pdx, dwp = pdw, dbp = pdb;
                int* ip = pi;
                bool wantDx = !dx.IsEmpty, wantDw = !dweight.IsEmpty, wantDb = !dbias.IsEmpty;
                T count = T.CreateTruncating((long)batch * plane);
                KernelParallelism.ForRanges(channels, x.Length, (c0, c1) =>
                {
                    // The gradient that reaches the normalised map, per window: g where the output passed the ReLU, else 0.
                    // Computed once without branches (whether a window passed is a coin flip on real data).
                    T[] masked = Scratch<T>.Get(batch * outPlane);
                    fixed (T* pmasked = masked)
                    {
                        for (int c = c0; c < c1; c++)
                        {
                            T scale = wp[c] / T.Sqrt(vp[c] + eps);
                            bool fromOutput = scale != T.Zero;
                            T sumDy = T.Zero, sumProducts = T.Zero;
                            for (int n = 0; n < batch; n++)
                            {
                                long p = (long)n * channels + c;
                                T* gm = pmasked + (long)n * outPlane;
                                // gm, sum(gm) and sum(gm * y) in one pass; with a zero scale, sum(gm * x) gathered at the argmax positions.
                                (T planeSum, T planeDot) = MaskAndSums(gp + p * outPlane, yp + p * outPlane, gm, outPlane);
                                sumDy += planeSum;
                                sumProducts += fromOutput ? planeDot : DotAtArgmax(xp + p * plane, gm, ip + p * outPlane, outPlane);
                            }
                            T sumDyCentred = fromOutput ? (sumProducts - biasp[c] * sumDy) / scale : sumProducts - mp[c] * sumDy;
                            (T a, T b, T shift, T dw, T db) = Normalization.BackwardCoefficients(wantDx ? wp[c] : T.Zero, mp[c], vp[c], eps, sumDy, sumDyCentred, count);
                            if (wantDb)
                            {
                                dbp[c] = db;
                            }
                            if (wantDw)
                            {
                                dwp[c] = dw;
                            }
                            if (!wantDx)
                            {
                                continue;
                            }
                            for (int n = 0; n < batch; n++)
                            {
                                long p = (long)n * channels + c;
                                T* dxPlane = dxp + p * plane, gm = pmasked + (long)n * outPlane;
                                int* iPlane = ip + p * outPlane;
                                RowOps.Affine(new ReadOnlySpan<T>(xp + p * plane, plane), b, shift, new Span<T>(dxPlane, plane));
                                for (int j = 0; j < outPlane; j++)
                                {
                                    dxPlane[iPlane[j]] += a * gm[j];
                                }
                            }
                        }
                    }
                });
            }
        }
    }

    /// <summary>Each window's top-left position in a plane of <paramref name="width"/>, in output order.</summary>
    private static int[] Corners(int height, int width)
    {
        int oh = height / 2, ow = width / 2;
        var corners = new int[oh * ow];
        for (int oy = 0; oy < oh; oy++)
        {
            for (int ox = 0; ox < ow; ox++)
            {
                corners[oy * ow + ox] = 2 * oy * width + 2 * ox;
            }
        }
        return corners;
    }

    /// <summary>
    /// <c>masked[j] = y[j] &gt; 0 ? g[j] : 0</c> (a NaN output passes nothing, as the ReLU's mask), and returns
    /// <c>(sum(masked), sum(masked * y))</c>, lane-wise partial sums joined in a fixed order.
    /// </summary>
    private static unsafe (T Sum, T Dot) MaskAndSums<T>(T* g, T* y, T* masked, int windows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        T sum = T.Zero, dot = T.Zero;
        if (Vector.IsHardwareAccelerated && windows >= Vector<T>.Count)
        {
            Vector<T> sums = Vector<T>.Zero, dots = Vector<T>.Zero;
            for (; j <= windows - Vector<T>.Count; j += Vector<T>.Count)
            {
                Vector<T> yv = Vector.Load(y + j);
                Vector<T> gm = Vector.ConditionalSelect(Vector.GreaterThan(yv, Vector<T>.Zero), Vector.Load(g + j), Vector<T>.Zero);
                gm.Store(masked + j);
                sums += gm;
                dots += gm * yv;
            }
            sum = Vector.Sum(sums);
            dot = Vector.Sum(dots);
        }
        for (; j < windows; j++)
        {
            T gm = y[j] > T.Zero ? g[j] : T.Zero;
            masked[j] = gm;
            sum += gm;
            dot += gm * y[j];
        }
        return (sum, dot);
    }

    /// <summary>
    /// <c>sum(gm * x[argmax])</c> over the windows of one plane (for a channel whose zero scale leaves no way to read x off
    /// the output), in four interleaved partial sums joined in a fixed order.
    /// </summary>
    private static unsafe T DotAtArgmax<T>(T* x, T* gm, int* indices, int windows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T d0 = T.Zero, d1 = T.Zero, d2 = T.Zero, d3 = T.Zero;
        int j = 0;
        for (; j <= windows - 4; j += 4)
        {
            d0 += gm[j] * x[indices[j]];
            d1 += gm[j + 1] * x[indices[j + 1]];
            d2 += gm[j + 2] * x[indices[j + 2]];
            d3 += gm[j + 3] * x[indices[j + 3]];
        }
        for (; j < windows; j++)
        {
            d0 += gm[j] * x[indices[j]];
        }
        return d0 + d1 + (d2 + d3);
    }

    /// <summary>The windows of one plane: normalise, pick the first maximum, apply the ReLU.</summary>
    private static unsafe void Windows<T>(T* x, int width, int[] corners, T scale, T shift, T* y, int* indices)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = typeof(T) == typeof(float) && Avx2.IsSupported
            ? EightAtATime((float*)x, width, corners, Unsafe.As<T, float>(ref scale), Unsafe.As<T, float>(ref shift), (float*)y, indices)
            : 0;
        for (; j < corners.Length; j++)
        {
            int i0 = corners[j];
            (int k, T v) = Pooling.FirstMaximum(x[i0] * scale + shift, x[i0 + 1] * scale + shift, x[i0 + width] * scale + shift, x[i0 + width + 1] * scale + shift);
            indices[j] = i0 + (k & 1) + (k >> 1) * width;
            y[j] = v > T.Zero || T.IsNaN(v) ? v : T.Zero;
        }
    }

    /// <summary>Eight windows at a time (float, AVX2): the four corners gathered, normalised, and selected as lane masks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int EightAtATime(float* image, int width, int[] corners, float scale, float shift, float* values, int* indices)
    {
        int windows = width / 2;
        if (windows >= 8 && width % 2 == 0)
        {
            return RowPairs(image, width, corners.Length / windows, scale, shift, values, indices);
        }
        int done = corners.Length & ~7;
        Vector256<int> one = Vector256.Create(1), down = Vector256.Create(width);
        Vector256<float> s = Vector256.Create(scale), t = Vector256.Create(shift);
        fixed (int* corner = corners)
        {
            for (int j = 0; j < done; j += 8)
            {
                Vector256<int> iA = Vector256.Load(corner + j), iB = iA + one, iC = iA + down, iD = iC + one;
                // Multiply, then add, as RowOps.Affine does: the normalised values are bit for bit those of batch norm.
                Vector256<float> a = Avx2.GatherVector256(image, iA, 4) * s + t, b = Avx2.GatherVector256(image, iB, 4) * s + t;
                Vector256<float> c = Avx2.GatherVector256(image, iC, 4) * s + t, d = Avx2.GatherVector256(image, iD, 4) * s + t;
                SelectAndStore(a, b, c, d, iA, iB, iC, iD, values + j, indices + j);
            }
        }
        return done;
    }

    /// <summary>
    /// Eight windows at a time from contiguous loads, for rows of at least 8 windows (even width): each row pair's 16
    /// values are split into even and odd columns (the windows' left and right elements) by shuffles, instead of four
    /// gathers; a row's last block overlaps the one before it. Returns every window (all of them are done).
    /// </summary>
    private static unsafe int RowPairs(float* image, int width, int rows, float scale, float shift, float* values, int* indices)
    {
        int windows = width / 2;
        Vector256<float> s = Vector256.Create(scale), t = Vector256.Create(shift);
        Vector256<int> steps = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14), one = Vector256.Create(1), down = Vector256.Create(width);
        for (int oy = 0; oy < rows; oy++)
        {
            float* top = image + (nint)2 * oy * width, bottom = top + width;
            for (int ox = 0; ox < windows; ox += 8)
            {
                int at = Math.Min(ox, windows - 8);
                (Vector256<float> xa, Vector256<float> xb) = Split(top + 2 * at);
                (Vector256<float> xc, Vector256<float> xd) = Split(bottom + 2 * at);
                Vector256<int> iA = Vector256.Create(2 * oy * width + 2 * at) + steps, iB = iA + one, iC = iA + down, iD = iC + one;
                int j = oy * windows + at;
                SelectAndStore(xa * s + t, xb * s + t, xc * s + t, xd * s + t, iA, iB, iC, iD, values + j, indices + j);
            }
        }
        return rows * windows;
    }

    /// <summary>16 consecutive values as (even positions, odd positions), each in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe (Vector256<float> Even, Vector256<float> Odd) Split(float* row)
    {
        Vector256<float> low = Avx.LoadVector256(row), high = Avx.LoadVector256(row + 8);
        // Per 128-bit lane: [l0 l2 h0 h2 | l4 l6 h4 h6]; the 64-bit permute 0xD8 puts them in order.
        Vector256<float> even = Avx2.Permute4x64(Avx.Shuffle(low, high, 0x88).AsDouble(), 0xD8).AsSingle();
        Vector256<float> odd = Avx2.Permute4x64(Avx.Shuffle(low, high, 0xDD).AsDouble(), 0xD8).AsSingle();
        return (even, odd);
    }

    /// <summary>The rules of <see cref="Pooling.FirstMaximum"/> on eight windows, then the ReLU; stores values and argmax positions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void SelectAndStore(
        Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d,
        Vector256<int> iA, Vector256<int> iB, Vector256<int> iC, Vector256<int> iD, float* values, int* indices)
    {
        (Vector256<float> v, Vector256<int> index) = Pooling.FirstMaximum(a, b, c, d, iA, iB, iC, iD);
        Vector256<float> keep = Vector256.GreaterThan(v, Vector256<float>.Zero) | ~Vector256.Equals(v, v);
        Vector256.ConditionalSelect(keep, v, Vector256<float>.Zero).Store(values);
        index.Store(indices);
    }
}

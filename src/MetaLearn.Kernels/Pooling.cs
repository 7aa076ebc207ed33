using System.Numerics;

namespace MetaLearn.Kernels;

/// <summary>Pooling kernels over <c>[N*C, H, W]</c> planes.</summary>
public static class Pooling
{
    /// <summary>
    /// For every window of every plane, the flat position (<c>iy * W + ix</c>) of its first maximal element,
    /// written as <c>[planes, OH*OW]</c>. A NaN wins (propagates). No padding.
    /// </summary>
    public static void MaxPoolIndices<T>(ReadOnlySpan<T> x, int planes, int height, int width, int kernel, int stride, Span<int> indices)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int oh = (height - kernel) / stride + 1, ow = (width - kernel) / stride + 1, plane = height * width;
        if (kernel == 2 && stride == 2)
        {
            MaxPool2x2Indices(x, planes, width, plane, oh, ow, indices);
            return;
        }
        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<T> image = x.Slice(p * plane, plane);
            Span<int> outIndex = indices.Slice(p * oh * ow, oh * ow);
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    int best = oy * stride * width + ox * stride;
                    T bestValue = image[best];
                    for (int ky = 0; ky < kernel && !T.IsNaN(bestValue); ky++)
                    {
                        int row = (oy * stride + ky) * width + ox * stride;
                        for (int kx = 0; kx < kernel; kx++)
                        {
                            T v = image[row + kx];
                            if (v > bestValue || T.IsNaN(v))
                            {
                                bestValue = v;
                                best = row + kx;
                                if (T.IsNaN(v))
                                {
                                    break;
                                }
                            }
                        }
                    }
                    outIndex[oy * ow + ox] = best;
                }
            }
        }
    }

    /// <summary>The common 2x2, stride-2 window: four comparisons in the same order (and with the same NaN rule) as the general loop.</summary>
    private static void MaxPool2x2Indices<T>(ReadOnlySpan<T> x, int planes, int width, int plane, int oh, int ow, Span<int> indices)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<T> image = x.Slice(p * plane, plane);
            Span<int> outIndex = indices.Slice(p * oh * ow, oh * ow);
            for (int oy = 0; oy < oh; oy++)
            {
                int top = 2 * oy * width, bottom = top + width;
                for (int ox = 0; ox < ow; ox++)
                {
                    int i0 = top + 2 * ox;
                    int best = i0;
                    T bestValue = image[i0];
                    if (!T.IsNaN(bestValue))
                    {
                        Consider(image, i0 + 1, ref best, ref bestValue);
                        if (!T.IsNaN(bestValue))
                        {
                            Consider(image, bottom + 2 * ox, ref best, ref bestValue);
                            if (!T.IsNaN(bestValue))
                            {
                                Consider(image, bottom + 2 * ox + 1, ref best, ref bestValue);
                            }
                        }
                    }
                    outIndex[oy * ow + ox] = best;
                }
            }
        }
    }

    private static void Consider<T>(ReadOnlySpan<T> image, int index, ref int best, ref T bestValue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T v = image[index];
        if (v > bestValue || T.IsNaN(v))
        {
            bestValue = v;
            best = index;
        }
    }
}

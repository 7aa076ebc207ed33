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
}

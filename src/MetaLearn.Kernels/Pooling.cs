using System.Numerics;
using System.Runtime.CompilerServices;

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

    /// <summary>
    /// The 2x2, stride-2 max pool in one pass: the value and the flat position (<c>iy * W + ix</c>) of the first maximal
    /// element of every window (a NaN wins, the first one in window order), the same answer as
    /// <see cref="MaxPoolIndices{T}"/>. Branch-free: each window takes the winner of its two columns (top wins ties),
    /// then of the two column winners, so random data costs no mispredicted branches.
    /// </summary>
    public static void MaxPool2x2<T>(ReadOnlySpan<T> x, int planes, int height, int width, Span<T> values, Span<int> indices)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int oh = height / 2, ow = width / 2, plane = height * width, outPlane = oh * ow;
        if (x.Length < planes * plane || values.Length < planes * outPlane || indices.Length < planes * outPlane)
        {
            throw new ArgumentException($"MaxPool2x2: spans too short for {planes} planes of {height}x{width}.");
        }
        ref T source = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        for (int p = 0; p < planes; p++)
        {
            ref T image = ref Unsafe.Add(ref source, p * plane);
            Span<T> outValues = values.Slice(p * outPlane, outPlane);
            Span<int> outIndex = indices.Slice(p * outPlane, outPlane);
            for (int oy = 0; oy < oh; oy++)
            {
                int top = 2 * oy * width;
                for (int ox = 0; ox < ow; ox++)
                {
                    int i0 = top + (2 * ox), i1 = i0 + 1, i2 = i0 + width, i3 = i2 + 1;
                    T a = Unsafe.Add(ref image, i0), b = Unsafe.Add(ref image, i1), c = Unsafe.Add(ref image, i2), d = Unsafe.Add(ref image, i3);
                    // Column winners: the bottom element only when larger, or NaN over a non-NaN top.
                    bool nanA = T.IsNaN(a), nanB = T.IsNaN(b), nanC = T.IsNaN(c), nanD = T.IsNaN(d);
                    bool takeC = (c > a) | (nanC & !nanA), takeD = (d > b) | (nanD & !nanB);
                    int left = Select(takeC, i2, i0), right = Select(takeD, i3, i1);
                    T l = Unsafe.Add(ref image, left), r = Unsafe.Add(ref image, right);
                    bool nanL = nanA | nanC, nanR = nanB | nanD;
                    // Window order a, b, c, d: the right winner comes first only when it is b and the left one is c.
                    bool rightFirst = takeC & !takeD;
                    bool takeRight = (r > l) | ((r == l) & rightFirst) | (nanR & (!nanL | rightFirst));
                    int best = Select(takeRight, right, left);
                    outIndex[(oy * ow) + ox] = best;
                    outValues[(oy * ow) + ox] = Unsafe.Add(ref image, best);
                }
            }
        }
    }

    /// <summary><paramref name="ifTrue"/> when <paramref name="condition"/>, else <paramref name="ifFalse"/>, without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Select(bool condition, int ifTrue, int ifFalse)
    {
        int mask = -Unsafe.BitCast<bool, byte>(condition);
        return ifFalse ^ ((ifFalse ^ ifTrue) & mask);
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        // Each window's top-left position; windows are independent, so they can go eight at a time through gathers.
        int[] corners = new int[outPlane];
        for (int oy = 0; oy < oh; oy++)
        {
            for (int ox = 0; ox < ow; ox++)
            {
                corners[(oy * ow) + ox] = (2 * oy * width) + (2 * ox);
            }
        }
        unsafe
        {
            fixed (T* px = x, pv = values)
            fixed (int* pi = indices)
            {
                T* xp = px, vp = pv;
                int* ip = pi;
                // Planes are independent: each thread owns a block of them.
                KernelParallelism.ForRanges(planes, (long)planes * plane, (p0, p1) =>
                {
                    for (int p = p0; p < p1; p++)
                    {
                        ref T image = ref Unsafe.AsRef<T>(xp + ((long)p * plane));
                        var outValues = new Span<T>(vp + ((long)p * outPlane), outPlane);
                        var outIndex = new Span<int>(ip + ((long)p * outPlane), outPlane);
                        int j = typeof(T) == typeof(float) && Avx2.IsSupported
                            ? EightAtATime(ref Unsafe.As<T, float>(ref image), width, corners, MemoryMarshal.Cast<T, float>(outValues), outIndex)
                            : 0;
                        for (; j < outPlane; j++)
                        {
                            int best = Window(ref image, corners[j], width);
                            outIndex[j] = best;
                            outValues[j] = Unsafe.Add(ref image, best);
                        }
                    }
                });
            }
        }
    }

    /// <summary>The first maximal (or first NaN) position of the 2x2 window at <paramref name="i0"/>, branch-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Window<T>(ref T image, int i0, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i1 = i0 + 1, i2 = i0 + width, i3 = i2 + 1;
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
        return Select(takeRight, right, left);
    }

    /// <summary>
    /// <see cref="Window{T}"/> for eight windows at once (float, AVX2): the four corners are gathered and the same
    /// selection rules run as lane masks. Returns how many windows it did (a multiple of eight); the rest are scalar.
    /// </summary>
    private static unsafe int EightAtATime(ref float image, int width, int[] corners, Span<float> values, Span<int> indices)
    {
        int done = corners.Length & ~7;
        Vector256<int> one = Vector256.Create(1), down = Vector256.Create(width);
        fixed (float* img = &image)
        fixed (int* corner = corners)
        fixed (float* v = values)
        fixed (int* ix = indices)
        {
            for (int j = 0; j < done; j += 8)
            {
                Vector256<int> iA = Vector256.Load(corner + j), iB = iA + one, iC = iA + down, iD = iC + one;
                Vector256<float> a = Avx2.GatherVector256(img, iA, 4), b = Avx2.GatherVector256(img, iB, 4);
                Vector256<float> c = Avx2.GatherVector256(img, iC, 4), d = Avx2.GatherVector256(img, iD, 4);
                Vector256<float> nanA = ~Vector256.Equals(a, a), nanB = ~Vector256.Equals(b, b);
                Vector256<float> nanC = ~Vector256.Equals(c, c), nanD = ~Vector256.Equals(d, d);
                Vector256<float> takeC = Vector256.GreaterThan(c, a) | Vector256.AndNot(nanC, nanA);
                Vector256<float> takeD = Vector256.GreaterThan(d, b) | Vector256.AndNot(nanD, nanB);
                Vector256<float> l = Vector256.ConditionalSelect(takeC, c, a), r = Vector256.ConditionalSelect(takeD, d, b);
                Vector256<int> li = Vector256.ConditionalSelect(takeC.AsInt32(), iC, iA), ri = Vector256.ConditionalSelect(takeD.AsInt32(), iD, iB);
                Vector256<float> nanL = nanA | nanC, nanR = nanB | nanD;
                Vector256<float> rightFirst = Vector256.AndNot(takeC, takeD);
                Vector256<float> takeRight = Vector256.GreaterThan(r, l) | (Vector256.Equals(r, l) & rightFirst)
                    | (nanR & (~nanL | rightFirst));
                Vector256.ConditionalSelect(takeRight, r, l).Store(v + j);
                Vector256.ConditionalSelect(takeRight.AsInt32(), ri, li).Store(ix + j);
            }
        }
        return done;
    }

    /// <summary><paramref name="ifTrue"/> when <paramref name="condition"/>, else <paramref name="ifFalse"/>, without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Select(bool condition, int ifTrue, int ifFalse)
    {
        int mask = -Unsafe.BitCast<bool, byte>(condition);
        return ifFalse ^ ((ifFalse ^ ifTrue) & mask);
    }
}

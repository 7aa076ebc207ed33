using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MetaLearn.Kernels;

/// <summary>Pooling kernels over <c>[N*C, H, W]</c> planes.</summary>
internal static class Pooling
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
        int k = FirstMaximum(Unsafe.Add(ref image, i0), Unsafe.Add(ref image, i0 + 1), Unsafe.Add(ref image, i0 + width), Unsafe.Add(ref image, i0 + width + 1)).Position;
        return i0 + (k & 1) + (k >> 1) * width;
    }

    /// <summary>
    /// The window rules of every 2x2 max-pooling kernel: of the values a (top left), b (top right), c (bottom left) and
    /// d (bottom right), the first maximal one in that order, or the first NaN. Returns its position (0 to 3) and value.
    /// Branch-free: each column's winner (the bottom one only when larger, or NaN over a non-NaN top), then the winner of
    /// the two, so random data costs no mispredicted branches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (int Position, T Value) FirstMaximum<T>(T a, T b, T c, T d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool nanA = T.IsNaN(a), nanB = T.IsNaN(b), nanC = T.IsNaN(c), nanD = T.IsNaN(d);
        bool takeC = (c > a) | (nanC & !nanA), takeD = (d > b) | (nanD & !nanB);
        T l = takeC ? c : a, r = takeD ? d : b;
        bool nanL = nanA | nanC, nanR = nanB | nanD;
        // Window order a, b, c, d: the right winner comes first only when it is b and the left one is c.
        bool rightFirst = takeC & !takeD;
        bool takeRight = (r > l) | ((r == l) & rightFirst) | (nanR & (!nanL | rightFirst));
        return (Select(takeRight, Select(takeD, 3, 1), Select(takeC, 2, 0)), takeRight ? r : l);
    }

    /// <summary><see cref="FirstMaximum{T}"/> for eight windows as lane masks: the winning values and their positions among <paramref name="iA"/> .. <paramref name="iD"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector256<float> Value, Vector256<int> Index) FirstMaximum(
        Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d,
        Vector256<int> iA, Vector256<int> iB, Vector256<int> iC, Vector256<int> iD)
    {
        Vector256<float> nanA = ~Vector256.Equals(a, a), nanB = ~Vector256.Equals(b, b);
        Vector256<float> nanC = ~Vector256.Equals(c, c), nanD = ~Vector256.Equals(d, d);
        Vector256<float> takeC = Vector256.GreaterThan(c, a) | Vector256.AndNot(nanC, nanA);
        Vector256<float> takeD = Vector256.GreaterThan(d, b) | Vector256.AndNot(nanD, nanB);
        Vector256<float> l = Vector256.ConditionalSelect(takeC, c, a), r = Vector256.ConditionalSelect(takeD, d, b);
        Vector256<int> li = Vector256.ConditionalSelect(takeC.AsInt32(), iC, iA), ri = Vector256.ConditionalSelect(takeD.AsInt32(), iD, iB);
        Vector256<float> nanL = nanA | nanC, nanR = nanB | nanD;
        Vector256<float> rightFirst = Vector256.AndNot(takeC, takeD);
        Vector256<float> takeRight = Vector256.GreaterThan(r, l) | (Vector256.Equals(r, l) & rightFirst) | (nanR & (~nanL | rightFirst));
        return (Vector256.ConditionalSelect(takeRight, r, l), Vector256.ConditionalSelect(takeRight.AsInt32(), ri, li));
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
                (Vector256<float> value, Vector256<int> index) = FirstMaximum(
                    Avx2.GatherVector256(img, iA, 4), Avx2.GatherVector256(img, iB, 4), Avx2.GatherVector256(img, iC, 4), Avx2.GatherVector256(img, iD, 4),
                    iA, iB, iC, iD);
                value.Store(v + j);
                index.Store(ix + j);
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

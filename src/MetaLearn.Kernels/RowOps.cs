using System.Numerics;

namespace MetaLearn.Kernels;

/// <summary>
/// Single-pass row loops that TensorPrimitives would need two or three passes for (each pass re-reads a row
/// of a large activation). <see cref="Vector{T}"/> body, scalar tail.
/// </summary>
internal static class RowOps
{
    /// <summary>Effectively computes <c>sum((x[i] - mean)^2)</c>.</summary>
    public static T SumOfSquaredDeviations<T>(ReadOnlySpan<T> x, T mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        T total = T.Zero;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var m = new Vector<T>(mean);
            Vector<T> acc = Vector<T>.Zero;
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> d = new Vector<T>(x.Slice(i)) - m;
                acc += d * d;
            }
            total = Vector.Sum(acc);
        }
        for (; i < x.Length; i++)
        {
            T d = x[i] - mean;
            total += d * d;
        }
        return total;
    }

    /// <summary>Effectively computes <c>y[i] = x[i] * scale + shift</c>.</summary>
    public static void Affine<T>(ReadOnlySpan<T> x, T scale, T shift, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var a = new Vector<T>(scale);
            var b = new Vector<T>(shift);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                (new Vector<T>(x.Slice(i)) * a + b).CopyTo(y.Slice(i));
            }
        }
        for (; i < x.Length; i++)
        {
            y[i] = x[i] * scale + shift;
        }
    }

    /// <summary>Effectively computes <c>(sum(g[i]), sum(g[i] * x[i]))</c> in one pass.</summary>
    public static (T Sum, T Dot) SumAndDot<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        T sum = T.Zero, dot = T.Zero;
        if (Vector.IsHardwareAccelerated && g.Length >= Vector<T>.Count)
        {
            Vector<T> s = Vector<T>.Zero, d = Vector<T>.Zero;
            for (; i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var gv = new Vector<T>(g.Slice(i));
                s += gv;
                d += gv * new Vector<T>(x.Slice(i));
            }
            sum = Vector.Sum(s);
            dot = Vector.Sum(d);
        }
        for (; i < g.Length; i++)
        {
            sum += g[i];
            dot += g[i] * x[i];
        }
        return (sum, dot);
    }

    /// <summary>Effectively computes <c>d[i] = a * u[i] + b * v[i] + c</c>.</summary>
    public static void LinearCombination<T>(ReadOnlySpan<T> u, T a, ReadOnlySpan<T> v, T b, T c, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && u.Length >= Vector<T>.Count)
        {
            var av = new Vector<T>(a);
            var bv = new Vector<T>(b);
            var cv = new Vector<T>(c);
            for (; i <= u.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                (new Vector<T>(u.Slice(i)) * av + new Vector<T>(v.Slice(i)) * bv + cv).CopyTo(d.Slice(i));
            }
        }
        for (; i < u.Length; i++)
        {
            d[i] = a * u[i] + b * v[i] + c;
        }
    }

    /// <summary>
    /// Adds to the running sums, with <c>xc = x[i] - mean</c>: <c>sum(g)</c>, <c>sum(a)</c>, <c>sum(g * xc)</c>,
    /// <c>sum(a * xc)</c> and <c>sum(a * g)</c>, in one pass.
    /// </summary>
    public static void CentredMoments<T>(
        ReadOnlySpan<T> x, T mean, ReadOnlySpan<T> g, ReadOnlySpan<T> a, ref T sumG, ref T sumA, ref T sumGX, ref T sumAX, ref T sumAG)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        T sg = T.Zero, sa = T.Zero, sgx = T.Zero, sax = T.Zero, sag = T.Zero;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var m = new Vector<T>(mean);
            Vector<T> vg = Vector<T>.Zero, va = Vector<T>.Zero, vgx = Vector<T>.Zero, vax = Vector<T>.Zero, vag = Vector<T>.Zero;
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> xc = new Vector<T>(x.Slice(i)) - m, gv = new Vector<T>(g.Slice(i)), av = new Vector<T>(a.Slice(i));
                vg += gv;
                va += av;
                vgx += gv * xc;
                vax += av * xc;
                vag += av * gv;
            }
            sg = Vector.Sum(vg);
            sa = Vector.Sum(va);
            sgx = Vector.Sum(vgx);
            sax = Vector.Sum(vax);
            sag = Vector.Sum(vag);
        }
        for (; i < x.Length; i++)
        {
            T xc = x[i] - mean;
            sg += g[i];
            sa += a[i];
            sgx += g[i] * xc;
            sax += a[i] * xc;
            sag += a[i] * g[i];
        }
        sumG += sg;
        sumA += sa;
        sumGX += sgx;
        sumAX += sax;
        sumAG += sag;
    }

    /// <summary>Effectively computes <c>d[i] = p * (x[i] - mean) + q * u[i] + s * v[i] + shift</c>.</summary>
    public static void CentredCombination<T>(
        ReadOnlySpan<T> x, T mean, T p, ReadOnlySpan<T> u, T q, ReadOnlySpan<T> v, T s, T shift, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var m = new Vector<T>(mean);
            var pv = new Vector<T>(p);
            var qv = new Vector<T>(q);
            var sv = new Vector<T>(s);
            var shiftV = new Vector<T>(shift);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                ((new Vector<T>(x.Slice(i)) - m) * pv + new Vector<T>(u.Slice(i)) * qv + new Vector<T>(v.Slice(i)) * sv + shiftV).CopyTo(d.Slice(i));
            }
        }
        for (; i < x.Length; i++)
        {
            d[i] = p * (x[i] - mean) + q * u[i] + s * v[i] + shift;
        }
    }
}

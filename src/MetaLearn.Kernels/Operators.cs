using System.Numerics;
using System.Numerics.Tensors;

namespace MetaLearn.Kernels;

/// <summary>An elementwise operation of one operand, applied to whole spans.</summary>
/// <remarks>One operator struct per op, as in System.Numerics.Tensors: the dtype dispatch happens once
/// per call, never per element.</remarks>
internal interface IUnaryOperator
{
    /// <summary>Effectively computes <c>destination[i] = f(x[i])</c>.</summary>
    static abstract void Invoke<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>An elementwise operation of two operands, in its three span shapes.</summary>
internal interface IBinaryOperator
{
    /// <summary>Effectively computes <c>destination[i] = f(x[i], y[i])</c>.</summary>
    static abstract void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Effectively computes <c>destination[i] = f(x[i], y)</c>.</summary>
    static abstract void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Effectively computes <c>destination[i] = f(x, y[i])</c>.</summary>
    static abstract void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>Unary operators. NaN in, NaN out for all of them.</summary>
internal static class Unary
{
    /// <summary>Negation.</summary>
    public readonly struct Negate : IUnaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Negate(x, d);
    }

    /// <summary>e to the power x.</summary>
    public readonly struct Exp : IUnaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Exp(x, d);
    }

    /// <summary>Natural logarithm (NaN below zero, -Inf at zero).</summary>
    public readonly struct Log : IUnaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Log(x, d);
    }

    /// <summary>Square root (NaN below zero).</summary>
    public readonly struct Sqrt : IUnaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, d);
    }

    /// <summary>Sine (radians).</summary>
    public readonly struct Sin : IUnaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sin(x, d);
    }

    /// <summary>Cosine (radians).</summary>
    public readonly struct Cos : IUnaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Cos(x, d);
    }

    /// <summary>Absolute value.</summary>
    public readonly struct Abs : IUnaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, d);
    }

    /// <summary>max(x, 0); NaN stays NaN.</summary>
    public readonly struct Relu : IUnaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, T.Zero, d);
    }

    /// <summary>1 / (1 + e^-x).</summary>
    public readonly struct Sigmoid : IUnaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sigmoid(x, d);
    }

    /// <summary>Hyperbolic tangent.</summary>
    public readonly struct Tanh : IUnaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Tanh(x, d);
    }

    /// <summary>log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) so it neither overflows nor loses small values.</summary>
    public readonly struct Softplus : IUnaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++)
            {
                T v = x[i];
                d[i] = T.Max(v, T.Zero) + T.LogP1(T.Exp(-T.Abs(v)));
            }
        }
    }

    /// <summary>-1, 0 or 1 by the sign of x (NaN stays NaN).</summary>
    public readonly struct Sign : IUnaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++)
            {
                T v = x[i];
                d[i] = T.IsNaN(v) ? v : v > T.Zero ? T.One : v < T.Zero ? -T.One : T.Zero;
            }
        }
    }
}

/// <summary>Binary operators. Comparisons write 1 for true and 0 for false; any comparison with NaN is false.</summary>
internal static class Binary
{
    /// <summary>x + y.</summary>
    public readonly struct Add : IBinaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(x, y, d);
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(x, y, d);
        /// <inheritdoc/>
        public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(y, x, d);
    }

    /// <summary>x - y.</summary>
    public readonly struct Subtract : IBinaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(x, y, d);
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(x, y, d);
        /// <inheritdoc/>
        public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(x, y, d);
    }

    /// <summary>x * y.</summary>
    public readonly struct Multiply : IBinaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, y, d);
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, y, d);
        /// <inheritdoc/>
        public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(y, x, d);
    }

    /// <summary>x / y (IEEE: division by zero gives ±Inf or NaN).</summary>
    public readonly struct Divide : IBinaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(x, y, d);
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(x, y, d);
        /// <inheritdoc/>
        public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(x, y, d);
    }

    /// <summary>x to the power y.</summary>
    public readonly struct Pow : IBinaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(x, y, d);
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (y == T.CreateTruncating(2))
            {
                TensorPrimitives.Multiply(x, x, d);
            }
            else
            {
                TensorPrimitives.Pow(x, y, d);
            }
        }
        /// <inheritdoc/>
        public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(x, y, d);
    }

    /// <summary>1 where x &gt; y.</summary>
    public readonly struct Greater : IBinaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> { for (int i = 0; i < d.Length; i++) d[i] = x[i] > y[i] ? T.One : T.Zero; }
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> { for (int i = 0; i < d.Length; i++) d[i] = x[i] > y ? T.One : T.Zero; }
        /// <inheritdoc/>
        public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> { for (int i = 0; i < d.Length; i++) d[i] = x > y[i] ? T.One : T.Zero; }
    }

    /// <summary>1 where x &gt;= y.</summary>
    public readonly struct GreaterOrEqual : IBinaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> { for (int i = 0; i < d.Length; i++) d[i] = x[i] >= y[i] ? T.One : T.Zero; }
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> { for (int i = 0; i < d.Length; i++) d[i] = x[i] >= y ? T.One : T.Zero; }
        /// <inheritdoc/>
        public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> { for (int i = 0; i < d.Length; i++) d[i] = x >= y[i] ? T.One : T.Zero; }
    }

    /// <summary>x where y &gt; 0, else 0: ReLU's backward rule (the gradient x masked by the input y) in one pass.</summary>
    public readonly struct MaskByPositive : IBinaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated && d.Length >= Vector<T>.Count)
            {
                for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
                {
                    var mask = Vector.GreaterThan(new Vector<T>(y.Slice(i)), Vector<T>.Zero);
                    Vector.ConditionalSelect(mask, new Vector<T>(x.Slice(i)), Vector<T>.Zero).CopyTo(d.Slice(i));
                }
            }
            for (; i < d.Length; i++)
            {
                d[i] = y[i] > T.Zero ? x[i] : T.Zero;
            }
        }

        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (y > T.Zero)
            {
                x.CopyTo(d);
            }
            else
            {
                d.Clear();
            }
        }
        /// <inheritdoc/>
        public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> { for (int i = 0; i < d.Length; i++) d[i] = y[i] > T.Zero ? x : T.Zero; }
    }

    /// <summary>1 where x == y.</summary>
    public readonly struct EqualTo : IBinaryOperator
    {
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> { for (int i = 0; i < d.Length; i++) d[i] = x[i] == y[i] ? T.One : T.Zero; }
        /// <inheritdoc/>
        public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> { for (int i = 0; i < d.Length; i++) d[i] = x[i] == y ? T.One : T.Zero; }
        /// <inheritdoc/>
        public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> { for (int i = 0; i < d.Length; i++) d[i] = x == y[i] ? T.One : T.Zero; }
    }
}

using MetaLearn.Tensors.Ops;
using K = MetaLearn.Kernels;

namespace MetaLearn.Tensors;

public sealed partial class Tensor
{
    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Add.Apply(a, b);

    /// <summary>Adds a constant.</summary>
    public static Tensor operator +(Tensor a, double b) => Add.Apply(a, Scalar(b, a.DType));

    /// <summary>Adds a constant.</summary>
    public static Tensor operator +(double a, Tensor b) => Add.Apply(Scalar(a, b.DType), b);

    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Sub.Apply(a, b);

    /// <summary>Subtracts a constant.</summary>
    public static Tensor operator -(Tensor a, double b) => Sub.Apply(a, Scalar(b, a.DType));

    /// <summary>A constant minus a tensor.</summary>
    public static Tensor operator -(double a, Tensor b) => Sub.Apply(Scalar(a, b.DType), b);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => Neg.Apply(a);

    /// <summary>Elementwise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Mul.Apply(a, b);

    /// <summary>Scales by a constant.</summary>
    public static Tensor operator *(Tensor a, double b) => Mul.Apply(a, Scalar(b, a.DType));

    /// <summary>Scales by a constant.</summary>
    public static Tensor operator *(double a, Tensor b) => Mul.Apply(Scalar(a, b.DType), b);

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Div.Apply(a, b);

    /// <summary>Divides by a constant.</summary>
    public static Tensor operator /(Tensor a, double b) => Mul.Apply(a, Scalar(1.0 / b, a.DType));

    /// <summary>A constant divided by a tensor.</summary>
    public static Tensor operator /(double a, Tensor b) => Div.Apply(Scalar(a, b.DType), b);

    /// <summary>e^x.</summary>
    public Tensor Exp() => Ops.Exp.Apply(this);

    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Ops.Log.Apply(this);

    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Ops.Sqrt.Apply(this);

    /// <summary>Sine (radians).</summary>
    public Tensor Sin() => Ops.Sin.Apply(this);

    /// <summary>Cosine (radians).</summary>
    public Tensor Cos() => Ops.Cos.Apply(this);

    /// <summary>Absolute value (gradient 0 at 0).</summary>
    public Tensor Abs() => Ops.Abs.Apply(this);

    /// <summary>max(x, 0) (gradient 0 at 0).</summary>
    public Tensor Relu() => Ops.Relu.Apply(this);

    /// <summary>1 / (1 + e^-x).</summary>
    public Tensor Sigmoid() => Ops.Sigmoid.Apply(this);

    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Ops.Tanh.Apply(this);

    /// <summary>log(1 + e^x), computed without overflow.</summary>
    public Tensor Softplus() => Ops.Softplus.Apply(this);

    /// <summary>x to a constant power.</summary>
    public Tensor Pow(double exponent) => PowScalar.Apply(this, exponent);

    /// <summary>x to an elementwise power (broadcasting). The gradient for the exponent uses log(x), so x must be positive there.</summary>
    public Tensor Pow(Tensor exponent) => Ops.Pow.Apply(this, exponent);

    /// <summary>x * x.</summary>
    public Tensor Square() => Mul.Apply(this, this);

    /// <summary>Elementwise maximum with broadcasting; at ties the gradient goes to this tensor.</summary>
    public Tensor Maximum(Tensor other) => Where(GreaterOrEqual(other), this, other);

    /// <summary>Elementwise minimum with broadcasting; at ties the gradient goes to this tensor.</summary>
    public Tensor Minimum(Tensor other) => Where(other.GreaterOrEqual(this), this, other);

    /// <summary>Picks <paramref name="a"/> where <paramref name="condition"/> is non-zero, else <paramref name="b"/>; all three broadcast. The condition is a constant (a mask).</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Ops.Where.Apply(condition, a, b);

    /// <summary>Mask (1/0, no gradient) of x &gt; other.</summary>
    public Tensor Greater(Tensor other) => Compute.Binary<K.Binary.Greater>("greater", this, other);

    /// <summary>Mask (1/0, no gradient) of x &gt;= other.</summary>
    public Tensor GreaterOrEqual(Tensor other) => Compute.Binary<K.Binary.GreaterOrEqual>("greater_equal", this, other);

    /// <summary>Mask (1/0, no gradient) of x &lt; other.</summary>
    public Tensor Less(Tensor other) => Compute.Binary<K.Binary.Greater>("less", other, this);

    /// <summary>Mask (1/0, no gradient) of x &lt;= other.</summary>
    public Tensor LessOrEqual(Tensor other) => Compute.Binary<K.Binary.GreaterOrEqual>("less_equal", other, this);

    /// <summary>Mask (1/0, no gradient) of x == other.</summary>
    public Tensor EqualTo(Tensor other) => Compute.Binary<K.Binary.EqualTo>("equal", this, other);

    /// <summary>Mask (1/0, no gradient) of x &gt; value.</summary>
    public Tensor Greater(double value) => Greater(Scalar(value, DType));

    /// <summary>Mask (1/0, no gradient) of x &lt; value.</summary>
    public Tensor Less(double value) => Less(Scalar(value, DType));

    /// <summary>Calls <see cref="Autograd.Backward"/> on this tensor.</summary>
    public void Backward(Tensor? gradOutput = null, bool createGraph = false, bool? retainGraph = null)
        => Autograd.Backward(this, gradOutput, createGraph, retainGraph);
}

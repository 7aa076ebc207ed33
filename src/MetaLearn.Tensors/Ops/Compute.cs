using MetaLearn.Kernels;

namespace MetaLearn.Tensors.Ops;

/// <summary>Runs kernels on tensors: the single place where a dtype picks the generic instantiation.</summary>
internal static class Compute
{
    public static Tensor Unary<TOp>(Tensor x) where TOp : IUnaryOperator
    {
        Tensor y = Tensor.Empty(x.ShapeArray, x.DType);
        if (x.DType == DType.Float32)
        {
            TOp.Invoke<float>(x.Span<float>(), y.Span<float>());
        }
        else
        {
            TOp.Invoke<double>(x.Span<double>(), y.Span<double>());
        }
        return y;
    }

    /// <summary><c>op(x[i], scalar)</c> elementwise.</summary>
    public static Tensor WithScalar<TOp>(Tensor x, double scalar) where TOp : IBinaryOperator
    {
        Tensor y = Tensor.Empty(x.ShapeArray, x.DType);
        if (x.DType == DType.Float32)
        {
            TOp.Invoke<float>(x.Span<float>(), (float)scalar, y.Span<float>());
        }
        else
        {
            TOp.Invoke<double>(x.Span<double>(), scalar, y.Span<double>());
        }
        return y;
    }

    public static Tensor Binary<TOp>(string op, Tensor a, Tensor b) where TOp : IBinaryOperator
    {
        a.CheckSameDType(op, b);
        if (Shapes.Equal(a.Shape, b.Shape))
        {
            Tensor same = Tensor.Empty(a.ShapeArray, a.DType);
            if (a.DType == DType.Float32)
            {
                TOp.Invoke<float>(a.Span<float>(), b.Span<float>(), same.Span<float>());
            }
            else
            {
                TOp.Invoke<double>(a.Span<double>(), b.Span<double>(), same.Span<double>());
            }
            return same;
        }

        int[] shape = Shapes.Broadcast(op, a.Shape, b.Shape);
        int[] sa = Shapes.BroadcastStrides(a.Shape, shape);
        int[] sb = Shapes.BroadcastStrides(b.Shape, shape);
        Tensor y = Tensor.Empty(shape, a.DType);
        if (a.DType == DType.Float32)
        {
            Broadcast.Binary<float, TOp>(a.Span<float>(), sa, b.Span<float>(), sb, y.Span<float>(), shape);
        }
        else
        {
            Broadcast.Binary<double, TOp>(a.Span<double>(), sa, b.Span<double>(), sb, y.Span<double>(), shape);
        }
        return y;
    }

    /// <summary>A contiguous copy of <paramref name="x"/> broadcast to <paramref name="shape"/> (which must be a valid broadcast target).</summary>
    public static Tensor Expand(Tensor x, int[] shape)
    {
        int[] strides = Shapes.BroadcastStrides(x.Shape, shape);
        Tensor y = Tensor.Empty(shape, x.DType);
        if (x.DType == DType.Float32)
        {
            Broadcast.Expand<float>(x.Span<float>(), strides, y.Span<float>(), shape);
        }
        else
        {
            Broadcast.Expand<double>(x.Span<double>(), strides, y.Span<double>(), shape);
        }
        return y;
    }
}

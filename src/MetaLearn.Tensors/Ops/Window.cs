using MetaLearn.Kernels;

namespace MetaLearn.Tensors.Ops;

/// <summary>
/// Unfolds sliding windows of <c>[N, C, H, W]</c> into a <c>[C*KH*KW, N*OH*OW]</c> column matrix, so a
/// convolution is one matmul and a pooling is one reduction. <see cref="Col2Im"/> is its adjoint; each
/// is the other's backward rule.
/// </summary>
internal sealed class Im2Col(Tensor x, WindowGeometry geometry) : Function(x)
{
    public override string Name => "im2col";

    public static Tensor Apply(Tensor x, WindowGeometry geometry)
    {
        Tensor y = Tensor.Empty([geometry.Rows, geometry.Columns], x.DType);
        if (x.DType == DType.Float32)
        {
            Kernels.Window.Unfold<float>(x.Span<float>(), geometry, y.Span<float>());
        }
        else
        {
            Kernels.Window.Unfold<double>(x.Span<double>(), geometry, y.Span<double>());
        }
        return Graph.Record(y, "im2col", Graph.Needs(x) ? new Im2Col(x, geometry) : null);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [Col2Im.Apply(g, geometry)];
}

/// <summary>Sums a column matrix back onto the image it was unfolded from.</summary>
internal sealed class Col2Im(Tensor columns, WindowGeometry geometry) : Function(columns)
{
    public override string Name => "col2im";

    public static Tensor Apply(Tensor columns, WindowGeometry geometry)
    {
        Tensor y = Tensor.Empty([geometry.Batch, geometry.Channels, geometry.Height, geometry.Width], columns.DType);
        if (columns.DType == DType.Float32)
        {
            Kernels.Window.Fold<float>(columns.Span<float>(), geometry, y.Span<float>());
        }
        else
        {
            Kernels.Window.Fold<double>(columns.Span<double>(), geometry, y.Span<double>());
        }
        return Graph.Record(y, "col2im", Graph.Needs(columns) ? new Col2Im(columns, geometry) : null);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs) => [Im2Col.Apply(g, geometry)];
}

using MetaLearn.Kernels;

namespace MetaLearn.Tensors.Ops;

/// <summary>
/// Batched <c>op(a) @ op(b)</c> with broadcast batch dimensions, where <c>op</c> optionally transposes the
/// last two dimensions. Carrying the transpose flags in the primitive lets the backward rules (which need
/// <c>g @ b^T</c> and <c>a^T @ g</c>) run without materialising transposes, and keeps them closed under
/// differentiation: every gradient is again a <see cref="MatMul"/>.
/// </summary>
internal sealed class MatMul(Tensor[] inputs, bool transposeA, bool transposeB) : Function(inputs)
{
    public override string Name => "matmul";

    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <param name="transposeA">Use a's last two dimensions transposed.</param>
    /// <param name="transposeB">Use b's last two dimensions transposed.</param>
    /// <param name="bias">Optional <c>[n]</c> row added to every output row, fused into the GEMM (linear layers).</param>
    public static Tensor Apply(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false, Tensor? bias = null)
    {
        a.CheckSameDType("matmul", b);
        if (a.Rank < 2 || b.Rank < 2)
        {
            throw new ArgumentException(
                $"matmul: both operands need at least 2 dimensions; got {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)}. " +
                "Unsqueeze a vector to a [1, n] or [n, 1] matrix first.");
        }
        int m = transposeA ? a.Shape[^1] : a.Shape[^2];
        int k = transposeA ? a.Shape[^2] : a.Shape[^1];
        int kb = transposeB ? b.Shape[^1] : b.Shape[^2];
        int n = transposeB ? b.Shape[^2] : b.Shape[^1];
        if (k != kb)
        {
            throw new ArgumentException(
                $"matmul: inner dimensions differ, {Shapes.Format(a.Shape)}{(transposeA ? "^T" : "")} @ {Shapes.Format(b.Shape)}{(transposeB ? "^T" : "")} " +
                $"has k = {k} on the left and {kb} on the right.");
        }

        int[] batchA = a.ShapeArray[..^2], batchB = b.ShapeArray[..^2];
        int[] batch = Shapes.Broadcast("matmul (batch dimensions)", batchA, batchB);
        int[] shape = [.. batch, m, n];
        Tensor y = Tensor.Empty(shape, a.DType);
        int batches = Shapes.Size(batch);
        int[] strideA = Shapes.BroadcastStrides(batchA, batch), strideB = Shapes.BroadcastStrides(batchB, batch);
        int[] counter = new int[batch.Length];
        int offsetA = 0, offsetB = 0;
        for (int i = 0; i < batches; i++)
        {
            if (a.DType == DType.Float32)
            {
                Multiply<float>(transposeA, transposeB, m, n, k, a.Span<float>().Slice(offsetA * m * k), b.Span<float>().Slice(offsetB * k * n), bias is null ? default : bias.Span<float>(), y.Span<float>().Slice(i * m * n, m * n));
            }
            else
            {
                Multiply<double>(transposeA, transposeB, m, n, k, a.Span<double>().Slice(offsetA * m * k), b.Span<double>().Slice(offsetB * k * n), bias is null ? default : bias.Span<double>(), y.Span<double>().Slice(i * m * n, m * n));
            }
            for (int d = batch.Length - 1; d >= 0; d--)
            {
                offsetA += strideA[d];
                offsetB += strideB[d];
                if (++counter[d] < batch[d])
                {
                    break;
                }
                offsetA -= strideA[d] * batch[d];
                offsetB -= strideB[d] * batch[d];
                counter[d] = 0;
            }
        }
        Tensor[] inputs = bias is null ? [a, b] : [a, b, bias];
        return Graph.Record(y, "matmul", Graph.Needs(inputs) ? new MatMul(inputs, transposeA, transposeB) : null);
    }

    private static void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k, ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> bias, Span<T> c)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (bias.IsEmpty)
        {
            Gemm.Multiply(transposeA, transposeB, m, n, k, a, b, c);
            return;
        }
        for (int row = 0; row < m; row++)
        {
            bias.CopyTo(c.Slice(row * n, n));
        }
        Gemm.Multiply(transposeA, transposeB, m, n, k, a, b, c, accumulate: true);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs)
    {
        Tensor a = Inputs[0], b = Inputs[1];
        // With A' = op(A), B' = op(B): dA' = g B'^T and dB' = A'^T g, transposed back where op transposed.
        Tensor? ga = !needs[0] ? null : transposeA ? Apply(b, g, transposeB, true) : Apply(g, b, false, !transposeB);
        Tensor? gb = !needs[1] ? null : transposeB ? Apply(g, a, true, transposeA) : Apply(a, g, !transposeA, false);
        // The bias gradient is g itself; Autograd.SumToShape sums it over the rows and batches.
        return Inputs.Length == 2 ? [ga, gb] : [ga, gb, needs[2] ? g : null];
    }
}

using MetaLearn.Kernels;

namespace MetaLearn.Tensors.Ops;

/// <summary>
/// Batched <c>op(a) @ op(b)</c> with broadcast batch dimensions, where <c>op</c> optionally transposes the
/// last two dimensions. Carrying the transpose flags in the primitive lets the backward rules (which need
/// <c>g @ b^T</c> and <c>a^T @ g</c>) run without materialising transposes, and keeps them closed under
/// differentiation: every gradient is again a <see cref="MatMul"/>.
/// </summary>
internal sealed class MatMul(Tensor a, Tensor b, bool transposeA, bool transposeB) : Function(a, b)
{
    public override string Name => "matmul";

    public static Tensor Apply(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
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
                Gemm.Multiply<float>(transposeA, transposeB, m, n, k, a.Span<float>().Slice(offsetA * m * k), b.Span<float>().Slice(offsetB * k * n), y.Span<float>().Slice(i * m * n, m * n));
            }
            else
            {
                Gemm.Multiply<double>(transposeA, transposeB, m, n, k, a.Span<double>().Slice(offsetA * m * k), b.Span<double>().Slice(offsetB * k * n), y.Span<double>().Slice(i * m * n, m * n));
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
        return Graph.Record(y, "matmul", Graph.Needs(a, b) ? new MatMul(a, b, transposeA, transposeB) : null);
    }

    public override Tensor?[] Backward(Tensor g, Tensor y, bool[] needs)
    {
        Tensor a = Inputs[0], b = Inputs[1];
        // With A' = op(A), B' = op(B): dA' = g B'^T and dB' = A'^T g, transposed back where op transposed.
        Tensor? ga = !needs[0] ? null : transposeA ? Apply(b, g, transposeB, true) : Apply(g, b, false, !transposeB);
        Tensor? gb = !needs[1] ? null : transposeB ? Apply(g, a, true, transposeA) : Apply(a, g, !transposeA, false);
        return [ga, gb];
    }
}

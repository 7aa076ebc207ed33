using System.Numerics;
using System.Runtime.CompilerServices;

namespace MetaLearn.Kernels;

/// <summary>Geometry of a 2-D sliding window (convolution or pooling) over <c>[N, C, H, W]</c> input.</summary>
/// <param name="Batch">Images N.</param>
/// <param name="Channels">Channels C.</param>
/// <param name="Height">Input height H.</param>
/// <param name="Width">Input width W.</param>
/// <param name="KernelHeight">Window height.</param>
/// <param name="KernelWidth">Window width.</param>
/// <param name="Stride">Step between windows (both directions).</param>
/// <param name="Padding">Zero padding added on every side.</param>
internal readonly record struct WindowGeometry(int Batch, int Channels, int Height, int Width, int KernelHeight, int KernelWidth, int Stride, int Padding)
{
    /// <summary>Output height: floor((H + 2P - KH) / S) + 1.</summary>
    public int OutHeight => (Height + 2 * Padding - KernelHeight) / Stride + 1;

    /// <summary>Output width: floor((W + 2P - KW) / S) + 1.</summary>
    public int OutWidth => (Width + 2 * Padding - KernelWidth) / Stride + 1;

    /// <summary>Rows of the column matrix: C * KH * KW.</summary>
    public int Rows => Channels * KernelHeight * KernelWidth;

    /// <summary>Columns of the column matrix: N * OH * OW.</summary>
    public int Columns => Batch * OutHeight * OutWidth;

    /// <summary>Elements of the input image batch.</summary>
    public int InputSize => Batch * Channels * Height * Width;
}

/// <summary>
/// The column transform behind convolution and pooling. The column matrix is <c>[C*KH*KW, N*OH*OW]</c>:
/// the batch is folded into the columns so a whole convolution is one GEMM with the weights.
/// </summary>
internal static class Window
{
    /// <summary>Effectively computes <c>columns[(c, ky, kx), (n, oy, ox)] = input[n, c, oy*S - P + ky, ox*S - P + kx]</c>, 0 outside the image.</summary>
    public static void Unfold<T>(ReadOnlySpan<T> input, WindowGeometry g, Span<T> columns) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.Stride == 1)
        {
            StrideOne(input, columns, g, fold: false);
            return;
        }
        int oh = g.OutHeight, ow = g.OutWidth, plane = g.Height * g.Width, outPlane = oh * ow;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            for (int ky = 0; ky < g.KernelHeight; ky++)
            {
                for (int kx = 0; kx < g.KernelWidth; kx++, row++)
                {
                    Span<T> dst = columns.Slice(row * g.Columns, g.Columns);
                    for (int n = 0; n < g.Batch; n++)
                    {
                        ReadOnlySpan<T> image = input.Slice((n * g.Channels + c) * plane, plane);
                        Span<T> outImage = dst.Slice(n * outPlane, outPlane);
                        for (int oy = 0; oy < oh; oy++)
                        {
                            int iy = oy * g.Stride - g.Padding + ky;
                            Span<T> outRow = outImage.Slice(oy * ow, ow);
                            if ((uint)iy >= (uint)g.Height)
                            {
                                outRow.Clear();
                                continue;
                            }
                            ReadOnlySpan<T> inRow = image.Slice(iy * g.Width, g.Width);
                            if (g.Stride == 1)
                            {
                                // ix = ox - P + kx: one contiguous copy between the zero-padded edges.
                                (int first, int last) = ValidRange(ow, g.Width, kx - g.Padding);
                                outRow[..first].Clear();
                                inRow.Slice(first + kx - g.Padding, last - first).CopyTo(outRow[first..last]);
                                outRow[last..].Clear();
                                continue;
                            }
                            for (int ox = 0; ox < ow; ox++)
                            {
                                int ix = ox * g.Stride - g.Padding + kx;
                                outRow[ox] = (uint)ix < (uint)g.Width ? inRow[ix] : T.Zero;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Unfold{T}"/>: sums every column entry back onto the pixel it came from. Clears <paramref name="input"/> first.</summary>
    public static void Fold<T>(ReadOnlySpan<T> columns, WindowGeometry g, Span<T> input) where T : unmanaged, IFloatingPointIeee754<T>
    {
        input[..g.InputSize].Clear();
        if (g.Stride == 1)
        {
            StrideOne(columns, input, g, fold: true);
            return;
        }
        int oh = g.OutHeight, ow = g.OutWidth, plane = g.Height * g.Width, outPlane = oh * ow;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            for (int ky = 0; ky < g.KernelHeight; ky++)
            {
                for (int kx = 0; kx < g.KernelWidth; kx++, row++)
                {
                    ReadOnlySpan<T> src = columns.Slice(row * g.Columns, g.Columns);
                    for (int n = 0; n < g.Batch; n++)
                    {
                        Span<T> image = input.Slice((n * g.Channels + c) * plane, plane);
                        ReadOnlySpan<T> srcImage = src.Slice(n * outPlane, outPlane);
                        for (int oy = 0; oy < oh; oy++)
                        {
                            int iy = oy * g.Stride - g.Padding + ky;
                            if ((uint)iy >= (uint)g.Height)
                            {
                                continue;
                            }
                            Span<T> inRow = image.Slice(iy * g.Width, g.Width);
                            ReadOnlySpan<T> srcRow = srcImage.Slice(oy * ow, ow);
                            if (g.Stride == 1)
                            {
                                (int first, int last) = ValidRange(ow, g.Width, kx - g.Padding);
                                Span<T> target = inRow.Slice(first + kx - g.Padding, last - first);
                                System.Numerics.Tensors.TensorPrimitives.Add(target, srcRow[first..last], target);
                                continue;
                            }
                            for (int ox = 0; ox < ow; ox++)
                            {
                                int ix = ox * g.Stride - g.Padding + kx;
                                if ((uint)ix < (uint)g.Width)
                                {
                                    inRow[ix] += srcRow[ox];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Unfold (or, with <paramref name="fold"/>, fold onto a cleared input) for stride 1, where every column-matrix row
    /// of one image is the input plane shifted by <c>(ky - P, kx - P)</c>: the valid rows and columns are worked out
    /// once per row of the column matrix, and each output row is one block copy between at most <c>P</c> zeros on
    /// either side (fold: one vectorised add per row, in the general loop's order). The rows are short (3 to 28 elements in the
    /// convnets), so the per-row bookkeeping the general loops repeat would otherwise cost as much as the copies.
    /// </summary>
    /// <param name="source">The input for unfold, the column matrix for fold: only read.</param>
    /// <param name="target">The column matrix for unfold, the (cleared) input for fold: written.</param>
    /// <param name="g">The window geometry of the whole batch.</param>
    /// <param name="fold">False to unfold the input into columns, true to add the columns back onto the input.</param>
    private static unsafe void StrideOne<T>(ReadOnlySpan<T> source, Span<T> target, WindowGeometry g, bool fold) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int oh = g.OutHeight, ow = g.OutWidth, plane = g.Height * g.Width, outPlane = oh * ow, width = g.Width;
        long columnsLength = (long)g.Rows * g.Columns;
        if ((fold ? target.Length : source.Length) < g.InputSize || (fold ? source.Length : target.Length) < columnsLength)
        {
            throw new ArgumentException($"{(fold ? "Fold" : "Unfold")}: spans too short for {g}.");
        }
        fixed (T* sourceStart = source, targetStart = target)
        {
            T* inputStart = fold ? targetStart : sourceStart, columnsStart = fold ? sourceStart : targetStart;
            int row = 0;
            for (int c = 0; c < g.Channels; c++)
            {
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    // Output rows whose input row oy - P + ky lies inside the image.
                    int oyFirst = Math.Clamp(g.Padding - ky, 0, oh), oyLast = Math.Clamp(g.Height + g.Padding - ky, oyFirst, oh);
                    for (int kx = 0; kx < g.KernelWidth; kx++, row++)
                    {
                        (int first, int last) = ValidRange(ow, width, kx - g.Padding);
                        int shift = kx - g.Padding;
                        uint copyBytes = (uint)((last - first) * sizeof(T));
                        T* columnRow = columnsStart + ((long)row * g.Columns);
                        for (int n = 0; n < g.Batch; n++)
                        {
                            T* cols = columnRow + (n * outPlane);
                            T* image = inputStart + ((long)((n * g.Channels) + c) * plane);
                            if (!fold)
                            {
                                new Span<T>(cols, oyFirst * ow).Clear();
                                new Span<T>(cols + (oyLast * ow), (oh - oyLast) * ow).Clear();
                            }
                            for (int oy = oyFirst; oy < oyLast; oy++)
                            {
                                T* outRow = cols + (oy * ow);
                                T* inRow = image + ((oy - g.Padding + ky) * width) + shift;
                                if (fold)
                                {
                                    var sum = new Span<T>(inRow + first, last - first);
                                    System.Numerics.Tensors.TensorPrimitives.Add(sum, new ReadOnlySpan<T>(outRow + first, last - first), sum);
                                    continue;
                                }
                                new Span<T>(outRow, first).Clear();
                                Unsafe.CopyBlockUnaligned(outRow + first, inRow + first, copyBytes);
                                new Span<T>(outRow + last, ow - last).Clear();
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The output columns [first, last) whose input column <c>ox + offset</c> lies inside [0, width).</summary>
    private static (int First, int Last) ValidRange(int outWidth, int width, int offset)
    {
        int first = Math.Clamp(-offset, 0, outWidth);
        int last = Math.Clamp(width - offset, first, outWidth);
        return (first, last);
    }
}

using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace MetaLearn.Kernels;

// Stride-1 "same" convolutions (odd square kernel K, padding (K - 1) / 2) without a column matrix.
//
// Put an image in zero-padded planes of width Wp = W + K - 1. Then the window value for tap (di, dj) at output
// (i, j) sits at padded offset i * Wp + j + di * Wp + dj. So over an output grid of H rows x Wp columns, whose last
// K - 1 columns are garbage to be dropped, the rows of the unfolded matrix are the padded planes themselves, shifted by
// di * Wp + dj. The GEMM packs B straight from those shifted rows (a row table), which removes the im2col pass that
// wrote a 9x larger copy of every image, and the col2im scatter-add of the input gradient.
// The weights are packed once per call instead of once per image. 14x14 planes give a 14 x 16 = 224-column grid,
// seven whole 32-column tiles.
internal static partial class Convolution
{
    /// <summary>
    /// Narrower planes waste too much of the grid on dropped columns (3x3 planes: 9 of 15 used) and keep im2col. The
    /// input gradient also needs at least a tile of input channels (its GEMM rows): a one-channel first layer ran at half
    /// the im2col speed.
    /// </summary>
    internal const int MinShiftedWidth = 7;

    /// <summary>Weight gradients with fewer columns (input channels x taps) than this are computed transposed.</summary>
    internal const int NarrowProduct = 32;

    /// <summary>Whether <paramref name="g"/> is a stride-1 "same" convolution the shifted-rows path serves.</summary>
    internal static bool UsesShiftedRows(WindowGeometry g) =>
        g.Stride == 1 && g.KernelHeight == g.KernelWidth && g.KernelWidth == 2 * g.Padding + 1
        && g.Padding >= 1 && g.Width >= MinShiftedWidth;

    /// <summary>The padded planes of one image and the output grid over them.</summary>
    private readonly struct PaddedPlanes
    {
        public PaddedPlanes(WindowGeometry g, int channels)
        {
            Kernel = g.KernelWidth;
            Pad = g.Padding;
            Width = g.Width + 2 * g.Padding;
            Plane = (g.Height + 2 * g.Padding) * Width;
            // The last plane's most shifted row reads K - 1 elements past its end.
            Length = channels * Plane + Kernel - 1;
            GridColumns = g.Height * Width;
        }

        public int Kernel { get; }

        public int Pad { get; }

        /// <summary>Padded width Wp, also the row stride of the output grid.</summary>
        public int Width { get; }

        public int Plane { get; }

        public int Length { get; }

        /// <summary>Columns of the output grid: H rows of Wp.</summary>
        public int GridColumns { get; }

        /// <summary>
        /// Offsets of the shifted rows: entry <c>(c * K + di) * K + dj</c> is channel c's plane moved by (di, dj), or by
        /// (K - 1 - di, K - 1 - dj) when <paramref name="flipped"/> (the input gradient correlates with the flipped kernel).
        /// </summary>
        public nint[] Rows(int channels, bool flipped)
        {
            var rows = new nint[channels * Kernel * Kernel];
            for (int c = 0, r = 0; c < channels; c++)
            {
                for (int di = 0; di < Kernel; di++)
                {
                    for (int dj = 0; dj < Kernel; dj++, r++)
                    {
                        rows[r] = (nint)c * Plane + (flipped ? (Kernel - 1 - di) * Width + Kernel - 1 - dj : di * Width + dj);
                    }
                }
            }
            return rows;
        }

        /// <summary>Copies <c>[C, H, W]</c> planes into the interior of <paramref name="padded"/>, whose border stays zero.</summary>
        public unsafe void Fill<T>(ReadOnlySpan<T> image, Span<T> padded, int channels, int height, int width)
            where T : unmanaged
        {
            if (image.Length < channels * height * width || padded.Length < channels * Plane)
            {
                throw new ArgumentException("Convolution: image or padded spans too short.");
            }
            fixed (T* source = image, target = padded)
            {
                for (int c = 0; c < channels; c++)
                {
                    CopyRows(source + (nint)c * height * width, width, target + (nint)c * Plane + Pad * Width + Pad, Width, height, width);
                }
            }
        }

        /// <summary>Drops the grid's last K - 1 columns: <c>[rows, H, Wp]</c> to <c>[rows, H, W]</c>.</summary>
        public unsafe void Compact<T>(ReadOnlySpan<T> grid, Span<T> target, int rows, int height, int width)
            where T : unmanaged
        {
            if (grid.Length < rows * GridColumns || target.Length < rows * height * width)
            {
                throw new ArgumentException("Convolution: grid or target spans too short.");
            }
            fixed (T* source = grid, destination = target)
            {
                for (int r = 0; r < rows; r++)
                {
                    CopyRows(source + (nint)r * GridColumns, Width, destination + (nint)r * height * width, width, height, width);
                }
            }
        }
    }

    internal static unsafe void ForwardShifted<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var planes = new PaddedPlanes(g, g.Channels);
        int k = g.Rows, imageSize = g.Channels * g.Height * g.Width, outSize = outChannels * g.Height * g.Width;
        Gemm.PackedLeft<T> packed = Gemm.PackedLeft<T>.ThisThread(Gemm.DefaultWidth, false, outChannels, k, weight);
        nint[] rows = planes.Rows(g.Channels, flipped: false);
        fixed (T* px = x, pb = bias, py = y)
        fixed (nint* pr = rows)
        {
            T* xp = px, bp = pb, yp = py;
            nint* rp = pr;
            int xLength = x.Length, yLength = y.Length;
            bool hasBias = !bias.IsEmpty;
            ForEachGroupRange(g, 1, (start, end) =>
            {
                var xs = new ReadOnlySpan<T>(xp, xLength);
                var ys = new Span<T>(yp, yLength);
                T[] scratch = Scratch<T>.Get(planes.Length + outChannels * planes.GridColumns);
                Span<T> padded = scratch.AsSpan(0, planes.Length), grid = scratch.AsSpan(planes.Length, outChannels * planes.GridColumns);
                padded.Clear();
                fixed (T* pp = padded, pg = grid)
                {
                    for (int n = start; n < end; n++)
                    {
                        planes.Fill(xs.Slice(n * imageSize, imageSize), padded, g.Channels, g.Height, g.Width);
                        Gemm.MultiplyRows(packed, false, null, outChannels, k, false, pp, rp, planes.GridColumns, pg, accumulate: false, hasBias ? bp : null);
                        planes.Compact(grid, ys.Slice(n * outSize, outSize), outChannels, g.Height, g.Width);
                    }
                }
            });
        }
    }

    internal static unsafe void BackwardInputShifted<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> weight, Span<T> dx, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // dx[c, p, q] = sum over (o, di, dj) of W[o, c, di, dj] dy[o, p + P - di, q + P - dj]: a shifted-rows product over
        // the padded planes of dy with the kernel flipped, A[c, (o, di, dj)] = W[o, c, di, dj].
        var planes = new PaddedPlanes(g, outChannels);
        int taps = g.KernelHeight * g.KernelWidth, k = outChannels * taps;
        int imageSize = g.Channels * g.Height * g.Width, outSize = outChannels * g.Height * g.Width;
        Span<T> transposed = Scratch<T>.Prepared(g.Channels * k).AsSpan(0, g.Channels * k);
        for (int o = 0; o < outChannels; o++)
        {
            for (int c = 0; c < g.Channels; c++)
            {
                weight.Slice((o * g.Channels + c) * taps, taps).CopyTo(transposed.Slice(c * k + o * taps, taps));
            }
        }
        Gemm.PackedLeft<T> packed = Gemm.PackedLeft<T>.ThisThread(Gemm.DefaultWidth, false, g.Channels, k, transposed);
        nint[] rows = planes.Rows(outChannels, flipped: true);
        fixed (T* pdy = dy, pdx = dx)
        fixed (nint* pr = rows)
        {
            T* dyp = pdy, dxp = pdx;
            nint* rp = pr;
            int dyLength = dy.Length, dxLength = dx.Length;
            ForEachGroupRange(g, 1, (start, end) =>
            {
                var dys = new ReadOnlySpan<T>(dyp, dyLength);
                var dxs = new Span<T>(dxp, dxLength);
                T[] scratch = Scratch<T>.Get(planes.Length + g.Channels * planes.GridColumns);
                Span<T> padded = scratch.AsSpan(0, planes.Length), grid = scratch.AsSpan(planes.Length, g.Channels * planes.GridColumns);
                padded.Clear();
                fixed (T* pp = padded, pg = grid)
                {
                    for (int n = start; n < end; n++)
                    {
                        planes.Fill(dys.Slice(n * outSize, outSize), padded, outChannels, g.Height, g.Width);
                        Gemm.MultiplyRows(packed, false, null, g.Channels, k, false, pp, rp, planes.GridColumns, pg, accumulate: false, null);
                        planes.Compact(grid, dxs.Slice(n * imageSize, imageSize), g.Channels, g.Height, g.Width);
                    }
                }
            });
        }
    }

    internal static unsafe void BackwardWeightShifted<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, WindowGeometry g, int outChannels, Span<T> dbias = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // dW[o, (c, di, dj)] = sum over images and grid positions t of dyGrid[o, t] x_padded[c, t + di * Wp + dj], where
        // dyGrid holds dy on the H x Wp grid with zeros in the dropped columns, so they add nothing.
        var planes = new PaddedPlanes(g, g.Channels);
        int k = g.Rows, imageSize = g.Channels * g.Height * g.Width, outSize = outChannels * g.Height * g.Width;
        dw[..(outChannels * k)].Clear();
        nint[] rows = planes.Rows(g.Channels, flipped: false);
        int threads = Threads(g.Batch, g);
        if (k < NarrowProduct)
        {
            BackwardWeightNarrow(x, dy, dw, g, outChannels, planes, rows, threads, dbias);
            return;
        }
        bool withBias = !dbias.IsEmpty;
        fixed (T* px = x, pdy = dy, pdw = dw, pdb = dbias)
        fixed (nint* pr = rows)
        {
            T* xp = px, dyp = pdy, dwp = pdw, dbp = pdb;
            nint* rp = pr;
            int xLength = x.Length, dyLength = dy.Length;
            // Each thread owns a block of output channels (rows of dW) and walks every image in order.
            KernelParallelism.RunRanges(outChannels, threads, (o0, o1) =>
            {
                var xs = new ReadOnlySpan<T>(xp, xLength);
                var dys = new ReadOnlySpan<T>(dyp, dyLength);
                int owned = o1 - o0;
                T[] scratch = Scratch<T>.Get(planes.Length + owned * planes.GridColumns);
                Span<T> padded = scratch.AsSpan(0, planes.Length), grid = scratch.AsSpan(planes.Length, owned * planes.GridColumns);
                padded.Clear();
                grid.Clear(); // the dropped columns stay zero
                fixed (T* pp = padded, pg = grid)
                {
                    for (int n = 0; n < g.Batch; n++)
                    {
                        planes.Fill(xs.Slice(n * imageSize, imageSize), padded, g.Channels, g.Height, g.Width);
                        ReadOnlySpan<T> dyImage = dys.Slice(n * outSize + o0 * g.Height * g.Width, owned * g.Height * g.Width);
                        for (int r = 0; r < owned; r++)
                        {
                            for (int i = 0; i < g.Height; i++)
                            {
                                dyImage.Slice((r * g.Height + i) * g.Width, g.Width).CopyTo(grid.Slice(r * planes.GridColumns + i * planes.Width, g.Width));
                            }
                            if (withBias)
                            {
                                // The plane is in cache from the copy; each thread sums its own channels, images in order.
                                dbp[o0 + r] = (n == 0 ? T.Zero : dbp[o0 + r]) + TensorPrimitives.Sum(dyImage.Slice(r * g.Height * g.Width, g.Height * g.Width));
                            }
                        }
                        Gemm.MultiplyRows(null, false, pg, owned, planes.GridColumns, true, pp, rp, k, dwp + (nint)o0 * k, accumulate: true, null);
                    }
                }
            });
        }
    }

    /// <summary>
    /// The weight gradient when it has fewer than <see cref="NarrowProduct"/> columns (a one-channel first layer: 9), where a
    /// GEMM would fill a third of its tiles and spend its time packing: per image, each <c>dW[o, r]</c> gains the dot product
    /// of dy's plane o (on the H x Wp grid, zero in the dropped columns) with the padded image's rows shifted for tap r.
    /// Each thread owns a block of output channels and sums the images in order.
    /// </summary>
    private static unsafe void BackwardWeightNarrow<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, WindowGeometry g, int outChannels,
        PaddedPlanes planes, nint[] rows, int threads, Span<T> dbias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = g.Rows, height = g.Height, width = g.Width, imageSize = g.Channels * height * width, outSize = outChannels * height * width;
        bool withBias = !dbias.IsEmpty;
        fixed (T* px = x, pdy = dy, pdw = dw, pdb = dbias)
        fixed (nint* pr = rows)
        {
            T* xp = px, dyp = pdy, dwp = pdw, dbp = pdb;
            nint* rp = pr;
            int xLength = x.Length;
            KernelParallelism.RunRanges(outChannels, threads, (o0, o1) =>
            {
                var xs = new ReadOnlySpan<T>(xp, xLength);
                int owned = o1 - o0;
                int q = planes.GridColumns;
                T[] scratch = Scratch<T>.Get(planes.Length + q + owned * k);
                Span<T> padded = scratch.AsSpan(0, planes.Length), grid = scratch.AsSpan(planes.Length, q);
                Span<T> sums = scratch.AsSpan(planes.Length + q, owned * k); // per (o, r), summed over images in order
                padded.Clear();
                grid.Clear(); // the dropped columns stay zero
                sums.Clear();
                fixed (T* pp = padded, pg = grid, ps = sums)
                {
                    for (int n = 0; n < g.Batch; n++)
                    {
                        planes.Fill(xs.Slice(n * imageSize, imageSize), padded, g.Channels, height, width);
                        for (int o = 0; o < owned; o++)
                        {
                            // dy's plane on the H x Wp grid, so that every tap's rows line up with it over q contiguous values.
                            T* dyPlane = dyp + (nint)n * outSize + (nint)(o0 + o) * height * width;
                            CopyRows(dyPlane, width, pg, planes.Width, height, width);
                            if (withBias)
                            {
                                // The grid is dy's plane plus zeros, just written: each thread sums its own channels, images in order.
                                dbp[o0 + o] = (n == 0 ? T.Zero : dbp[o0 + o]) + TensorPrimitives.Sum(new ReadOnlySpan<T>(pg, q));
                            }
                            var dyGrid = new ReadOnlySpan<T>(pg, q);
                            for (int r = 0; r < k; r++)
                            {
                                ps[o * k + r] += TensorPrimitives.Dot(dyGrid, new ReadOnlySpan<T>(pp + rp[r], q));
                            }
                        }
                    }
                    for (int o = 0; o < owned; o++)
                    {
                        for (int r = 0; r < k; r++)
                        {
                            dwp[(nint)(o0 + o) * k + r] = ps[o * k + r];
                        }
                    }
                }
            });
        }
    }

    /// <summary>
    /// Copies <paramref name="rows"/> rows of <paramref name="count"/> values between strides: whole vectors, the last one
    /// overlapping the one before it, so a 28-wide row is four vector moves rather than a memmove call.
    /// </summary>
    private static unsafe void CopyRows<T>(T* source, int sourceStride, T* target, int targetStride, int rows, int count)
        where T : unmanaged
    {
        int lanes = Vector<T>.Count;
        for (int i = 0; i < rows; i++, source += sourceStride, target += targetStride)
        {
            if (count < lanes)
            {
                new ReadOnlySpan<T>(source, count).CopyTo(new Span<T>(target, count));
                continue;
            }
            int j = 0;
            for (; j < count - lanes; j += lanes)
            {
                Vector.Load(source + j).Store(target + j);
            }
            Vector.Load(source + count - lanes).Store(target + count - lanes);
        }
    }
}

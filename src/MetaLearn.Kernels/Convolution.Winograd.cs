using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MetaLearn.Kernels;

// 3x3 stride-1 "same" convolutions by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks", CVPR 2016). Each 2x2 block of outputs is Y = A^T [(G g G^T) . (B^T d B)] A, where d is
// the 4x4 input tile around it and g the 3x3 kernel: 16 multiplications instead of 36. Over channels, the products for
// each of the 16 positions (xi, nu) of the 4x4 tile are one GEMM:
//   forward        M[xi nu] = U[xi nu] (O x C) * V[xi nu] (C x tiles),   U = G g G^T, V = B^T d B, then Y = A^T M A
//   input grad     the same with the kernel flipped and transposed (a "same" convolution of dy)
//   weight grad    S[xi nu] = P[xi nu] (O x tiles) * V[xi nu]^T,  P = A dY A^T, then dW = G^T S G
// The transforms are additions (G holds halves, exact in binary). Ragged planes (odd sides) have their last tiles cut
// by the edge: those inputs are zero padding and those outputs are not written (or, as dY, are zero).
//
// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]   A^T = [1 1 1 0; 0 1 -1 -1]
internal static partial class Convolution
{
    /// <summary>Input and output channels from which a 3x3 "same" convolution uses Winograd: below, its GEMMs are too shallow.</summary>
    internal const int MinWinogradChannels = 16;

    /// <summary>GEMM columns (tiles) a group of images aims for.</summary>
    private const int WinogradColumns = 256;

    /// <summary>Whether <paramref name="g"/> with <paramref name="outChannels"/> outputs runs as Winograd F(2x2, 3x3).</summary>
    internal static bool UsesWinograd(WindowGeometry g, int outChannels) =>
        g.Stride == 1 && g.KernelHeight == 3 && g.KernelWidth == 3 && g.Padding == 1
        && g.Channels >= MinWinogradChannels && outChannels >= MinWinogradChannels;

    internal static void ForwardWinograd<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] u = Scratch<T>.Prepared(16 * outChannels * g.Channels);
        TransformKernels(weight, outChannels, g.Channels, flip: false, u);
        RunWinograd(x, u, bias, y, g, outChannels);
    }

    internal static void BackwardInputWinograd<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> weight, Span<T> dx, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // dx is the "same" convolution of dy with the kernel flipped and its channel axes swapped: C outputs from O inputs.
        T[] u = Scratch<T>.Prepared(16 * outChannels * g.Channels);
        TransformKernels(weight, outChannels, g.Channels, flip: true, u);
        RunWinograd(dy, u, default, dx, g with { Channels = outChannels }, g.Channels);
    }

    /// <summary>
    /// <c>U[(xi, nu)][o, c] = (G g[o, c] G^T)[xi, nu]</c> for the <c>[O, C, 3, 3]</c> kernel, or with <paramref name="flip"/> for the
    /// kernel <c>g'[c, o] = g[o, c]</c> rotated by 180 degrees (rows C, columns O).
    /// </summary>
    private static unsafe void TransformKernels<T>(ReadOnlySpan<T> weight, int outChannels, int channels, bool flip, T[] u)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T half = T.CreateTruncating(0.5);
        nint pairs = (nint)outChannels * channels;
        if (weight.Length < pairs * 9 || u.Length < 16 * pairs)
        {
            throw new ArgumentException("Winograd: kernel spans too short.");
        }
        fixed (T* pw = weight, pu = u)
        {
            for (int o = 0; o < outChannels; o++)
            {
                for (int c = 0; c < channels; c++)
                {
                    T* k = pw + ((nint)o * channels + c) * 9;
                    // The kernel's rows, rotated by 180 degrees for the input gradient.
                    T k00 = k[0], k01 = k[1], k02 = k[2], k10 = k[3], k11 = k[4], k12 = k[5], k20 = k[6], k21 = k[7], k22 = k[8];
                    if (flip)
                    {
                        (k00, k01, k02, k10, k12, k20, k21, k22) = (k22, k21, k20, k12, k10, k02, k01, k00);
                    }
                    // G k (4 x 3): rows k0, (k0 + k1 + k2)/2, (k0 - k1 + k2)/2, k2.
                    T a0 = k00, a1 = k01, a2 = k02;
                    T b0 = (k00 + k10 + k20) * half, b1 = (k01 + k11 + k21) * half, b2 = (k02 + k12 + k22) * half;
                    T c0 = (k00 - k10 + k20) * half, c1 = (k01 - k11 + k21) * half, c2 = (k02 - k12 + k22) * half;
                    T d0 = k20, d1 = k21, d2 = k22;
                    // (G k) G^T: each row (r0, r1, r2) to (r0, (r0 + r1 + r2)/2, (r0 - r1 + r2)/2, r2), at row o (or c), column c (or o).
                    T* at = pu + (flip ? (nint)c * outChannels + o : (nint)o * channels + c);
                    KernelRow(at, pairs, 0, a0, a1, a2, half);
                    KernelRow(at, pairs, 4, b0, b1, b2, half);
                    KernelRow(at, pairs, 8, c0, c1, c2, half);
                    KernelRow(at, pairs, 12, d0, d1, d2, half);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void KernelRow<T>(T* at, nint pairs, int first, T r0, T r1, T r2, T half)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        at[first * pairs] = r0;
        at[(first + 1) * pairs] = (r0 + r1 + r2) * half;
        at[(first + 2) * pairs] = (r0 - r1 + r2) * half;
        at[(first + 3) * pairs] = r2;
    }

    /// <summary>
    /// The Winograd "same" convolution of <paramref name="x"/> (<c>g.Channels</c> in) with transformed kernels <paramref name="u"/>
    /// (<paramref name="outChannels"/> out). The 16 kernel matrices are packed for the GEMM once per call, and the input
    /// transform writes each V straight into the GEMM's packed layout, so the products copy neither operand.
    /// </summary>
    private static unsafe void RunWinograd<T>(ReadOnlySpan<T> x, T[] u, ReadOnlySpan<T> bias, Span<T> y, WindowGeometry g, int outChannels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tiles = new WinogradTiles(g.Height, g.Width, g.Batch, Vector<T>.Count);
        int channels = g.Channels, imageSize = channels * g.Height * g.Width, outSize = outChannels * g.Height * g.Width;
        int group = tiles.Group, columns = tiles.GroupColumns;
        Gemm.PackedLeft<T> packedU = Gemm.PackedLeft<T>.ThisThread(Gemm.DefaultWidth, false, outChannels, channels, u, count: 16);
        // Panels narrower than a vector (the scalar rung) fall back to a row-major V and the plain product.
        var layout = Gemm.PackedRight.Of<T>(Gemm.DefaultWidth, channels, columns);
        bool packed = layout.PanelWidth % Vector<T>.Count == 0;
        if (!packed)
        {
            layout = Gemm.PackedRight.RowMajor(channels, columns);
        }
        fixed (T* px = x, pb = bias, py = y)
        {
            T* xp = px, bp = pb, yp = py;
            int xLength = x.Length;
            bool hasBias = !bias.IsEmpty;
            if (y.Length < (long)g.Batch * outSize)
            {
                throw new ArgumentException("Winograd: the output span is too short.");
            }
            ForEachGroupRange(g, group, (start, end) =>
            {
                var xs = new ReadOnlySpan<T>(xp, xLength);
                int paddedLength = channels * tiles.Plane, vStride = MatrixStride<T>(layout.Length), mStride = MatrixStride<T>(outChannels * columns);
                int vLength = 16 * vStride, mLength = 16 * mStride;
                T[] scratch = Scratch<T>.Get(paddedLength + vLength + mLength + InterleavedOutput(tiles));
                Span<T> padded = scratch.AsSpan(0, paddedLength);
                padded.Clear();
                fixed (T* pp = scratch)
                {
                    T* pv = pp + paddedLength, pm = pv + vLength, po = pm + mLength;
                    for (int e = 0; e < 16; e++)
                    {
                        layout.ClearPadding(pv + e * vStride);
                    }
                    for (int n = start; n < end; n += group)
                    {
                        int count = Math.Min(group, end - n);
                        if (count < group)
                        {
                            padded.Clear(); // the missing images' slots
                        }
                        Interleave(xs.Slice(n * imageSize, count * imageSize), count, imageSize, 0, channels, tiles, padded);
                        TransformInput(pp, channels, tiles, pv, layout, vStride);
                        for (int e = 0; e < 16; e++)
                        {
                            T* v = pv + e * vStride, m = pm + e * mStride;
                            if (packed)
                            {
                                Gemm.MultiplyPacked(packedU, e, layout, v, m, accumulate: false, rowBias: null);
                            }
                            else
                            {
                                Gemm.Multiply<T>(false, false, outChannels, columns, channels, u.AsSpan(e * outChannels * channels, outChannels * channels),
                                    new ReadOnlySpan<T>(v, layout.Length), new Span<T>(m, outChannels * columns));
                            }
                        }
                        TransformOutput(pm, mStride, outChannels, tiles, count, hasBias ? new ReadOnlySpan<T>(bp, outChannels) : default, yp + (nint)n * outSize, po);
                    }
                }
            });
        }
    }

    /// <summary>Image groups per chunk of the weight gradient: a chunk sums into its own partial S.</summary>
    private const int WeightGroupsPerChunk = 4;

    internal static unsafe void BackwardWeightWinograd<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, WindowGeometry g, int outChannels, Span<T> dbias = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tiles = new WinogradTiles(g.Height, g.Width, g.Batch, Vector<T>.Count);
        int channels = g.Channels, imageSize = channels * g.Height * g.Width, outSize = outChannels * g.Height * g.Width;
        int group = tiles.Group, columns = tiles.GroupColumns;
        int groups = (g.Batch + group - 1) / group, chunks = (groups + WeightGroupsPerChunk - 1) / WeightGroupsPerChunk;
        // Each chunk's partial S, then (with a bias gradient) its partial channel sums of dy.
        bool withBias = !dbias.IsEmpty;
        int sLength = 16 * outChannels * channels + (withBias ? outChannels : 0);
        // Chunks of image groups, each summed into its own partial S, then the partials in chunk order: the chunks
        // depend only on the batch, so threads can share them without changing a bit (and without each one transforming
        // every image, as splitting the output channels would).
        T[] partials = Scratch<T>.Prepared(chunks * sLength);
        int threads = Math.Min(Threads(g.Batch, g), chunks);
        fixed (T* px = x, pdy = dy, pparts = partials)
        {
            T* xp = px, dyp = pdy, partsp = pparts;
            int xLength = x.Length, dyLength = dy.Length;
            KernelParallelism.RunRanges(chunks, threads, (c0, c1) =>
            {
                var xs = new ReadOnlySpan<T>(xp, xLength);
                var dys = new ReadOnlySpan<T>(dyp, dyLength);
                int paddedX = channels * tiles.Plane, paddedDy = outChannels * tiles.Plane;
                int vStride = MatrixStride<T>(channels * columns), pStride = MatrixStride<T>(outChannels * columns), vLength = 16 * vStride;
                T[] scratch = Scratch<T>.Get(paddedX + paddedDy + vLength + 16 * pStride);
                Span<T> padded = scratch.AsSpan(0, paddedX + paddedDy);
                padded.Clear();
                fixed (T* pp = scratch)
                {
                    T* pdyPadded = pp + paddedX, pv = pdyPadded + paddedDy, pg = pv + vLength;
                    for (int chunk = c0; chunk < c1; chunk++)
                    {
                        var s = new Span<T>(partsp + (nint)chunk * sLength, sLength);
                        s.Clear();
                        T* biasSums = withBias ? partsp + (nint)chunk * sLength + 16 * outChannels * channels : null;
                        int first = chunk * WeightGroupsPerChunk * group, last = Math.Min(g.Batch, first + WeightGroupsPerChunk * group);
                        for (int n = first; n < last; n += group)
                        {
                            int count = Math.Min(group, last - n);
                            if (count < group)
                            {
                                padded.Clear(); // the missing images' slots
                            }
                            Interleave(xs.Slice(n * imageSize, count * imageSize), count, imageSize, 0, channels, tiles, padded[..paddedX]);
                            Interleave(dys.Slice(n * outSize, count * outSize), count, outSize, 0, outChannels, tiles, padded.Slice(paddedX, paddedDy), biasSums);
                            TransformInput(pp, channels, tiles, pv, Gemm.PackedRight.RowMajor(channels, columns), vStride);
                            TransformGradient(pdyPadded, outChannels, tiles, pg, pStride);
                            for (int e = 0; e < 16; e++)
                            {
                                // S[e] (O x C) += P[e] (O x columns) V[e]^T, V[e] stored C x columns.
                                Gemm.Multiply<T>(false, true, outChannels, channels, columns,
                                    new ReadOnlySpan<T>(pg + e * pStride, outChannels * columns),
                                    new ReadOnlySpan<T>(pv + e * vStride, channels * columns),
                                    s.Slice(e * outChannels * channels, outChannels * channels), accumulate: true);
                            }
                        }
                    }
                }
            });
            var total = new Span<T>(partsp, sLength);
            for (int chunk = 1; chunk < chunks; chunk++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(total, new ReadOnlySpan<T>(partsp + (nint)chunk * sLength, sLength), total);
            }
            TransformWeightGradient(total, outChannels, channels, dw);
            if (withBias)
            {
                total.Slice(16 * outChannels * channels, outChannels).CopyTo(dbias);
            }
        }
    }

    /// <summary>
    /// The 2x2 output tiles of a plane and the zero-padded input plane that holds all their 4x4 input tiles. A group of
    /// <see cref="Group"/> images is transformed together with the images interleaved (the image is the fastest index):
    /// padded planes are <c>[C][row][column][image]</c> and a GEMM column is <c>tile * Group + image</c>, so one SIMD vector
    /// holds the same tile position of consecutive images and every transform is whole-vector loads, adds and stores.
    /// </summary>
    private readonly struct WinogradTiles
    {
        public WinogradTiles(int height, int width, int batch, int lanes)
        {
            Height = height;
            Width = width;
            Rows = (height + 1) / 2;
            Columns = (width + 1) / 2;
            PaddedWidth = 2 * Columns + 2;
            PaddedHeight = 2 * Rows + 2;
            // About WinogradColumns GEMM columns, in whole vectors of images; a short last group is padded with zero images.
            int images = Math.Clamp(WinogradColumns / (Rows * Columns), 1, Math.Max(1, batch));
            Group = (images + lanes - 1) / lanes * lanes;
        }

        public int Height { get; }

        public int Width { get; }

        /// <summary>Tile rows and columns.</summary>
        public int Rows { get; }

        public int Columns { get; }

        public int PerImage => Rows * Columns;

        public int PaddedWidth { get; }

        public int PaddedHeight { get; }

        /// <summary>Images per group: a multiple of the SIMD width.</summary>
        public int Group { get; }

        /// <summary>GEMM columns of a group.</summary>
        public int GroupColumns => PerImage * Group;

        /// <summary>Elements of one channel's interleaved padded planes.</summary>
        public int Plane => PaddedHeight * PaddedWidth * Group;
    }

    /// <summary>
    /// Interleaves channels <paramref name="firstChannel"/> .. + <paramref name="channels"/> of up to <c>Group</c> images
    /// (each <paramref name="imageSize"/> long, <c>[C, H, W]</c>), adding each channel's sum to <paramref name="channelSums"/>
    /// when given, into the interior of the padded planes
    /// (<c>[C][row][column][image]</c>); the border, and the slots of missing images, stay zero.
    /// </summary>
    private static unsafe void Interleave<T>(
        ReadOnlySpan<T> images, int count, int imageSize, int firstChannel, int channels, WinogradTiles tiles, Span<T> padded, T* channelSums = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = tiles.Height, w = tiles.Width, group = tiles.Group;
        if (images.Length < (count - 1) * imageSize + (firstChannel + channels) * h * w || padded.Length < channels * tiles.Plane)
        {
            throw new ArgumentException("Winograd: image or padded spans too short.");
        }
        fixed (T* source = images, target = padded)
        {
            if (typeof(T) == typeof(float) && Avx.IsSupported && group % 8 == 0 && count == group && w >= 8)
            {
                InterleaveByTransposes((float*)source, imageSize, firstChannel, channels, tiles, (float*)target);
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    T* image = source + (nint)i * imageSize + (nint)firstChannel * h * w;
                    for (int c = 0; c < channels; c++)
                    {
                        for (int r = 0; r < h; r++)
                        {
                            T* row = image + (c * h + r) * w;
                            T* to = target + (nint)c * tiles.Plane + ((r + 1) * tiles.PaddedWidth + 1) * group + i;
                            for (int col = 0; col < w; col++, to += group)
                            {
                                *to = row[col];
                            }
                        }
                    }
                }
            }
            for (int i = 0; channelSums != null && i < count; i++)
            {
                // Images in order, each channel's plane in one vector sum (in cache from the copy).
                T* image = source + (nint)i * imageSize + (nint)firstChannel * h * w;
                for (int c = 0; c < channels; c++)
                {
                    channelSums[c] += System.Numerics.Tensors.TensorPrimitives.Sum(new ReadOnlySpan<T>(image + c * h * w, h * w));
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Interleave{T}"/> for whole groups of float images and rows at least 8 wide: 8 images' rows at a time, 8 columns
    /// at a time (the last block overlapping the one before it), through an 8x8 transpose in registers.
    /// </summary>
    private static unsafe void InterleaveByTransposes(float* images, int imageSize, int firstChannel, int channels, WinogradTiles tiles, float* padded)
    {
        int h = tiles.Height, w = tiles.Width, group = tiles.Group;
        for (int c = 0; c < channels; c++)
        {
            for (int r = 0; r < h; r++)
            {
                nint rowOffset = ((nint)firstChannel + c) * h * w + (nint)r * w;
                float* to = padded + (nint)c * tiles.Plane + ((r + 1) * tiles.PaddedWidth + 1) * (nint)group;
                for (int i0 = 0; i0 < group; i0 += 8)
                {
                    float* first = images + (nint)i0 * imageSize + rowOffset;
                    for (int col = 0; col < w; col += 8)
                    {
                        int at = Math.Min(col, w - 8);
                        Transpose8x8(first + at, imageSize, to + (nint)at * group + i0, group);
                    }
                }
            }
        }
    }

    /// <summary>Reads 8 rows of 8 floats, <paramref name="sourceStride"/> apart, and writes them as 8 columns: row k of the target is column k of the source.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Transpose8x8(float* source, nint sourceStride, float* target, nint targetStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(source), r1 = Avx.LoadVector256(source + sourceStride);
        Vector256<float> r2 = Avx.LoadVector256(source + 2 * sourceStride), r3 = Avx.LoadVector256(source + 3 * sourceStride);
        Vector256<float> r4 = Avx.LoadVector256(source + 4 * sourceStride), r5 = Avx.LoadVector256(source + 5 * sourceStride);
        Vector256<float> r6 = Avx.LoadVector256(source + 6 * sourceStride), r7 = Avx.LoadVector256(source + 7 * sourceStride);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(target, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(target + targetStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(target + 2 * targetStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(target + 3 * targetStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(target + 4 * targetStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(target + 5 * targetStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(target + 6 * targetStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(target + 7 * targetStride, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>
    /// Elements from one of a set of 16 matrices (V, M or P) to the next: a matrix of <paramref name="elements"/> rounded up to
    /// an odd number of cache lines. The transforms load or store all 16 at once; an odd number of lines apart, the 16 fall
    /// into 16 different L1 sets, whereas whole pages apart they compete for one set (600 images of 64 x 7 x 7, whose V, M
    /// and P are 16 pages each, took 21.7 ms per forward pass that way, and 17 ms with odd strides).
    /// </summary>
    private static int MatrixStride<T>(int elements) where T : unmanaged
    {
        int lines = (int)(((long)elements * Unsafe.SizeOf<T>() + 63) / 64);
        return (lines | 1) * (64 / Unsafe.SizeOf<T>());
    }

    /// <summary>
    /// <c>V[e][c, tile * Group + image] = (B^T d B)[e]</c> for every 4x4 input tile d, a vector of images at a time, each V
    /// (<c>[C, columns]</c>) in <paramref name="layout"/>, whose panels are whole vectors wide, <paramref name="stride"/> after the one before.
    /// </summary>
    private static unsafe void TransformInput<T>(T* padded, int channels, WinogradTiles tiles, T* v, Gemm.PackedRight layout, nint stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int group = tiles.Group, lanes = Vector<T>.Count, panelWidth = layout.PanelWidth;
        nint row = (nint)tiles.PaddedWidth * group;
        for (int c = 0; c < channels; c++)
        {
            T* plane = padded + (nint)c * tiles.Plane;
            // The columns run in order (tile, then image), a vector at a time: the next panel starts every panelWidth columns.
            T* at = v + layout.Row(c);
            nint nextPanel = layout.PanelStride(c) - panelWidth;
            int inPanel = 0;
            for (int ty = 0; ty < tiles.Rows; ty++)
            {
                for (int tx = 0; tx < tiles.Columns; tx++)
                {
                    T* origin = plane + (2 * ty * tiles.PaddedWidth + 2 * tx) * (nint)group;
                    for (int i = 0; i < group; i += lanes)
                    {
                        T* d = origin + i;
                        // B^T d, one tile column j at a time (its four rows), then (B^T d) B across the columns.
                        (Vector<T> r00, Vector<T> r10, Vector<T> r20, Vector<T> r30) = ColumnCombinations(d, row);
                        (Vector<T> r01, Vector<T> r11, Vector<T> r21, Vector<T> r31) = ColumnCombinations(d + group, row);
                        (Vector<T> r02, Vector<T> r12, Vector<T> r22, Vector<T> r32) = ColumnCombinations(d + 2 * group, row);
                        (Vector<T> r03, Vector<T> r13, Vector<T> r23, Vector<T> r33) = ColumnCombinations(d + 3 * group, row);
                        StoreRow(at, stride, 0, r00, r01, r02, r03);
                        StoreRow(at, stride, 4, r10, r11, r12, r13);
                        StoreRow(at, stride, 8, r20, r21, r22, r23);
                        StoreRow(at, stride, 12, r30, r31, r32, r33);
                        at += lanes;
                        if ((inPanel += lanes) == panelWidth)
                        {
                            at += nextPanel;
                            inPanel = 0;
                        }
                    }
                }
            }
        }
    }

    /// <summary>B^T applied to one column of a tile: its four rows, <paramref name="row"/> apart, combined.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe (Vector<T>, Vector<T>, Vector<T>, Vector<T>) ColumnCombinations<T>(T* d, nint row)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector<T> x0 = Vector.Load(d), x1 = Vector.Load(d + row), x2 = Vector.Load(d + 2 * row), x3 = Vector.Load(d + 3 * row);
        return (x0 - x2, x1 + x2, x2 - x1, x1 - x3);
    }

    /// <summary>Row <c>first / 4</c> of <c>(B^T d) B</c>: the four column combinations, stored to matrices first .. first + 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow<T>(T* at, nint stride, int first, Vector<T> a0, Vector<T> a1, Vector<T> a2, Vector<T> a3)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (a0 - a2).Store(at + first * stride);
        (a1 + a2).Store(at + (first + 1) * stride);
        (a2 - a1).Store(at + (first + 2) * stride);
        (a1 - a3).Store(at + (first + 3) * stride);
    }

    /// <summary>Elements of the interleaved output plane <see cref="TransformOutput{T}"/> writes one channel into before de-interleaving it.</summary>
    private static int InterleavedOutput(WinogradTiles tiles) => 2 * tiles.Rows * 2 * tiles.Columns * tiles.Group;

    /// <summary>
    /// <c>Y = A^T M A</c> (+ bias) for every output tile of the group's first <paramref name="count"/> images, written where it
    /// lies inside each plane; the 16 matrices M are <paramref name="stride"/> apart.
    /// </summary>
    private static unsafe void TransformOutput<T>(T* m, nint stride, int outChannels, WinogradTiles tiles, int count, ReadOnlySpan<T> bias, T* target, T* interleaved)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = tiles.Height, w = tiles.Width, group = tiles.Group, lanes = Vector<T>.Count, columns = tiles.GroupColumns;
        int outSize = outChannels * h * w;
        if (typeof(T) == typeof(float) && Avx.IsSupported && lanes == 8 && w >= 8)
        {
            TransformOutputByTransposes((float*)m, stride, outChannels, tiles, count, System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(bias), (float*)target, (float*)interleaved);
            return;
        }
        T* lane = stackalloc T[4 * lanes];
        for (int o = 0; o < outChannels; o++)
        {
            var b = new Vector<T>(bias.IsEmpty ? T.Zero : bias[o]);
            for (int ty = 0; ty < tiles.Rows; ty++)
            {
                int row = 2 * ty;
                for (int tx = 0; tx < tiles.Columns; tx++)
                {
                    int column = 2 * tx;
                    T* at = m + (nint)o * columns + (ty * tiles.Columns + tx) * (nint)group;
                    for (int i = 0; i < count; i += lanes)
                    {
                        T* p = at + i;
                        // A^T M: rows s0 = m0 + m1 + m2 and s1 = m1 - m2 - m3, for each of the four columns.
                        Vector<T> s00 = Vector.Load(p) + Vector.Load(p + 4 * stride) + Vector.Load(p + 8 * stride);
                        Vector<T> s10 = Vector.Load(p + 4 * stride) - Vector.Load(p + 8 * stride) - Vector.Load(p + 12 * stride);
                        Vector<T> s01 = Vector.Load(p + stride) + Vector.Load(p + 5 * stride) + Vector.Load(p + 9 * stride);
                        Vector<T> s11 = Vector.Load(p + 5 * stride) - Vector.Load(p + 9 * stride) - Vector.Load(p + 13 * stride);
                        Vector<T> s02 = Vector.Load(p + 2 * stride) + Vector.Load(p + 6 * stride) + Vector.Load(p + 10 * stride);
                        Vector<T> s12 = Vector.Load(p + 6 * stride) - Vector.Load(p + 10 * stride) - Vector.Load(p + 14 * stride);
                        Vector<T> s03 = Vector.Load(p + 3 * stride) + Vector.Load(p + 7 * stride) + Vector.Load(p + 11 * stride);
                        Vector<T> s13 = Vector.Load(p + 7 * stride) - Vector.Load(p + 11 * stride) - Vector.Load(p + 15 * stride);
                        // (A^T M) A, plus the bias.
                        (b + (s00 + s01 + s02)).Store(lane);
                        (b + (s01 - s02 - s03)).Store(lane + lanes);
                        (b + (s10 + s11 + s12)).Store(lane + 2 * lanes);
                        (b + (s11 - s12 - s13)).Store(lane + 3 * lanes);
                        int images = Math.Min(lanes, count - i);
                        bool down = row + 1 < h, right = column + 1 < w;
                        T* corner = target + (nint)i * outSize + (nint)o * h * w + row * w + column;
                        for (int k = 0; k < images; k++, corner += outSize)
                        {
                            corner[0] = lane[k];
                            if (right)
                            {
                                corner[1] = lane[lanes + k];
                            }
                            if (down)
                            {
                                corner[w] = lane[2 * lanes + k];
                                if (right)
                                {
                                    corner[w + 1] = lane[3 * lanes + k];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// <see cref="TransformOutput{T}"/> for float planes at least 8 wide: each channel's 2x2 output tiles go to an interleaved
    /// plane (<c>[row][column][image]</c>) as whole vectors, and 8x8 transposes then write 8 columns of 8 images' rows at a time.
    /// </summary>
    private static unsafe void TransformOutputByTransposes(float* m, nint stride, int outChannels, WinogradTiles tiles, int count, ReadOnlySpan<float> bias, float* target, float* interleaved)
    {
        int h = tiles.Height, w = tiles.Width, group = tiles.Group, columns = tiles.GroupColumns, width = 2 * tiles.Columns;
        int outSize = outChannels * h * w;
        float* block = stackalloc float[64];
        for (int o = 0; o < outChannels; o++)
        {
            var b = Vector256.Create(bias.IsEmpty ? 0f : bias[o]);
            for (int ty = 0; ty < tiles.Rows; ty++)
            {
                for (int tx = 0; tx < tiles.Columns; tx++)
                {
                    float* at = m + (nint)o * columns + (ty * tiles.Columns + tx) * (nint)group;
                    float* corner = interleaved + ((nint)2 * ty * width + 2 * tx) * group;
                    for (int i = 0; i < group; i += 8)
                    {
                        float* p = at + i;
                        Vector256<float> s00 = Avx.LoadVector256(p) + Avx.LoadVector256(p + 4 * stride) + Avx.LoadVector256(p + 8 * stride);
                        Vector256<float> s10 = Avx.LoadVector256(p + 4 * stride) - Avx.LoadVector256(p + 8 * stride) - Avx.LoadVector256(p + 12 * stride);
                        Vector256<float> s01 = Avx.LoadVector256(p + stride) + Avx.LoadVector256(p + 5 * stride) + Avx.LoadVector256(p + 9 * stride);
                        Vector256<float> s11 = Avx.LoadVector256(p + 5 * stride) - Avx.LoadVector256(p + 9 * stride) - Avx.LoadVector256(p + 13 * stride);
                        Vector256<float> s02 = Avx.LoadVector256(p + 2 * stride) + Avx.LoadVector256(p + 6 * stride) + Avx.LoadVector256(p + 10 * stride);
                        Vector256<float> s12 = Avx.LoadVector256(p + 6 * stride) - Avx.LoadVector256(p + 10 * stride) - Avx.LoadVector256(p + 14 * stride);
                        Vector256<float> s03 = Avx.LoadVector256(p + 3 * stride) + Avx.LoadVector256(p + 7 * stride) + Avx.LoadVector256(p + 11 * stride);
                        Vector256<float> s13 = Avx.LoadVector256(p + 7 * stride) - Avx.LoadVector256(p + 11 * stride) - Avx.LoadVector256(p + 15 * stride);
                        float* q = corner + i;
                        Avx.Store(q, b + (s00 + s01 + s02));
                        Avx.Store(q + group, b + (s01 - s02 - s03));
                        Avx.Store(q + (nint)width * group, b + (s10 + s11 + s12));
                        Avx.Store(q + (nint)width * group + group, b + (s11 - s12 - s13));
                    }
                }
            }
            // De-interleave: for each row, 8 columns (the last block overlapping) of 8 images at a time.
            for (int r = 0; r < h; r++)
            {
                float* row = interleaved + (nint)r * width * group;
                for (int i0 = 0; i0 < count; i0 += 8)
                {
                    int images = Math.Min(8, count - i0);
                    float* first = target + (nint)i0 * outSize + (nint)o * h * w + (nint)r * w;
                    for (int col = 0; col < w; col += 8)
                    {
                        int c0 = Math.Min(col, w - 8);
                        if (images == 8)
                        {
                            Transpose8x8(row + (nint)c0 * group + i0, group, first + c0, outSize);
                        }
                        else
                        {
                            Transpose8x8(row + (nint)c0 * group + i0, group, block, 8);
                            for (int k = 0; k < images; k++)
                            {
                                Avx.Store(first + (nint)k * outSize + c0, Avx.LoadVector256(block + 8 * k));
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// <c>P[e][o, tile * Group + image] = (A dY A^T)[e]</c> for every 2x2 output-gradient tile, from dY interleaved like the
    /// input (<c>[O][row][column][image]</c> with zero beyond the plane; its one-element border is unused); the 16 matrices P
    /// are <paramref name="stride"/> apart.
    /// </summary>
    private static unsafe void TransformGradient<T>(T* dy, int outChannels, WinogradTiles tiles, T* p, nint stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int group = tiles.Group, lanes = Vector<T>.Count, columns = tiles.GroupColumns;
        nint row = (nint)tiles.PaddedWidth * group;
        for (int o = 0; o < outChannels; o++)
        {
            T* plane = dy + (nint)o * tiles.Plane;
            T* target = p + (nint)o * columns;
            for (int ty = 0; ty < tiles.Rows; ty++)
            {
                for (int tx = 0; tx < tiles.Columns; tx++)
                {
                    // The tile's 2x2 gradients sit at padded (2ty + 1, 2tx + 1), where Interleave put them.
                    T* origin = plane + ((2 * ty + 1) * tiles.PaddedWidth + 2 * tx + 1) * (nint)group;
                    T* at = target + (ty * tiles.Columns + tx) * (nint)group;
                    for (int i = 0; i < group; i += lanes)
                    {
                        T* d = origin + i;
                        Vector<T> d00 = Vector.Load(d), d01 = Vector.Load(d + group), d10 = Vector.Load(d + row), d11 = Vector.Load(d + row + group);
                        // A dY: rows [d0; d0 + d1; d0 - d1; -d1], then each row (a0, a1) to [a0, a0 + a1, a0 - a1, -a1].
                        T* q = at + i;
                        GradientRow(q, stride, 0, d00, d01);
                        GradientRow(q, stride, 4, d00 + d10, d01 + d11);
                        GradientRow(q, stride, 8, d00 - d10, d01 - d11);
                        GradientRow(q, stride, 12, -d10, -d11);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void GradientRow<T>(T* at, nint stride, int first, Vector<T> a0, Vector<T> a1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        a0.Store(at + first * stride);
        (a0 + a1).Store(at + (first + 1) * stride);
        (a0 - a1).Store(at + (first + 2) * stride);
        (-a1).Store(at + (first + 3) * stride);
    }

    /// <summary><c>dW[o, c] = G^T S[o, c] G</c> (4x4 to 3x3) into rows of <paramref name="dw"/>.</summary>
    private static unsafe void TransformWeightGradient<T>(ReadOnlySpan<T> s, int outChannels, int channels, Span<T> dw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T half = T.CreateTruncating(0.5);
        nint pairs = (nint)outChannels * channels;
        if (s.Length < 16 * pairs || dw.Length < 9 * pairs)
        {
            throw new ArgumentException("Winograd: weight-gradient spans too short.");
        }
        fixed (T* ps = s, pdw = dw)
        {
            for (nint at = 0; at < pairs; at++)
            {
                // G^T S: rows s0 + (s1 + s2)/2, (s1 - s2)/2, (s1 + s2)/2 + s3 of S's four rows, one column at a time.
                T* q = ps + at;
                (T r00, T r10, T r20) = GradientColumn(q[0], q[4 * pairs], q[8 * pairs], q[12 * pairs], half);
                (T r01, T r11, T r21) = GradientColumn(q[pairs], q[5 * pairs], q[9 * pairs], q[13 * pairs], half);
                (T r02, T r12, T r22) = GradientColumn(q[2 * pairs], q[6 * pairs], q[10 * pairs], q[14 * pairs], half);
                (T r03, T r13, T r23) = GradientColumn(q[3 * pairs], q[7 * pairs], q[11 * pairs], q[15 * pairs], half);
                // (G^T S) G: the same combination across each row's four columns.
                T* kernel = pdw + at * 9;
                (kernel[0], kernel[1], kernel[2]) = GradientColumn(r00, r01, r02, r03, half);
                (kernel[3], kernel[4], kernel[5]) = GradientColumn(r10, r11, r12, r13, half);
                (kernel[6], kernel[7], kernel[8]) = GradientColumn(r20, r21, r22, r23, half);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T, T, T) GradientColumn<T>(T s0, T s1, T s2, T s3, T half) where T : unmanaged, IFloatingPointIeee754<T>
        => (s0 + (s1 + s2) * half, (s1 - s2) * half, (s1 + s2) * half + s3);
}

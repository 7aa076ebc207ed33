using System.Collections.Concurrent;

namespace MetaLearn.Data;

/// <summary>
/// Area-averaging resize (what PIL calls BOX and OpenCV INTER_AREA for shrinking): each output pixel is the mean
/// of the input area it covers, with partly covered input pixels weighted by the covered fraction. The mean of
/// the image is preserved exactly, so 105x105 Omniglot strokes become fractional ink at 28x28 rather than
/// aliased dots.
/// </summary>
public static class ImageResize
{
    private static readonly ConcurrentDictionary<(int In, int Out), AxisWeights> Cache = new();

    /// <summary>
    /// Resizes channel-first planes <paramref name="source"/> ([channels, inHeight, inWidth]) into
    /// <paramref name="destination"/> ([channels, outHeight, outWidth]).
    /// </summary>
    public static void Area(ReadOnlySpan<float> source, int channels, int inHeight, int inWidth, Span<float> destination, int outHeight, int outWidth)
    {
        if (channels <= 0 || inHeight <= 0 || inWidth <= 0 || outHeight <= 0 || outWidth <= 0)
        {
            throw new ArgumentException($"ImageResize.Area: sizes must be positive, got {channels} channel(s) {inHeight}x{inWidth} -> {outHeight}x{outWidth}.");
        }
        if (source.Length != channels * inHeight * inWidth || destination.Length != channels * outHeight * outWidth)
        {
            throw new ArgumentException(
                $"ImageResize.Area: buffers of {source.Length} -> {destination.Length} floats do not match {channels}x{inHeight}x{inWidth} -> {channels}x{outHeight}x{outWidth}.");
        }
        AxisWeights rows = Weights(inHeight, outHeight), cols = Weights(inWidth, outWidth);
        // Accumulate in double so weights that sum to 1 give exactly 1 for a full pixel after rounding to float.
        Span<double> rowBuffer = inWidth <= 512 ? stackalloc double[inWidth] : new double[inWidth];
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = source.Slice(c * inHeight * inWidth, inHeight * inWidth);
            Span<float> outPlane = destination.Slice(c * outHeight * outWidth, outHeight * outWidth);
            for (int oy = 0; oy < outHeight; oy++)
            {
                // Blend the covered input rows into one row, then blend its covered columns.
                rowBuffer.Clear();
                int y0 = rows.Start[oy];
                double[] wy = rows.Weights[oy];
                for (int k = 0; k < wy.Length; k++)
                {
                    ReadOnlySpan<float> inRow = plane.Slice((y0 + k) * inWidth, inWidth);
                    for (int x = 0; x < inWidth; x++)
                    {
                        rowBuffer[x] += wy[k] * inRow[x];
                    }
                }
                for (int ox = 0; ox < outWidth; ox++)
                {
                    int x0 = cols.Start[ox];
                    double[] wx = cols.Weights[ox];
                    double sum = 0;
                    for (int k = 0; k < wx.Length; k++)
                    {
                        sum += wx[k] * rowBuffer[x0 + k];
                    }
                    outPlane[(oy * outWidth) + ox] = (float)sum;
                }
            }
        }
    }

    /// <summary>Allocating form of <see cref="Area(ReadOnlySpan{float}, int, int, int, Span{float}, int, int)"/>.</summary>
    public static float[] Area(ReadOnlySpan<float> source, int channels, int inHeight, int inWidth, int outHeight, int outWidth)
    {
        var result = new float[channels * outHeight * outWidth];
        Area(source, channels, inHeight, inWidth, result, outHeight, outWidth);
        return result;
    }

    private static AxisWeights Weights(int inSize, int outSize) => Cache.GetOrAdd((inSize, outSize), key => AxisWeights.Build(key.In, key.Out));

    /// <summary>For each output index: the first input index it covers and the normalised weight of each covered input.</summary>
    private sealed record AxisWeights(int[] Start, double[][] Weights)
    {
        public static AxisWeights Build(int inSize, int outSize)
        {
            double scale = (double)inSize / outSize;
            var start = new int[outSize];
            var weights = new double[outSize][];
            for (int o = 0; o < outSize; o++)
            {
                double lo = o * scale, hi = (o + 1) * scale;
                int first = (int)Math.Floor(lo), last = Math.Min(inSize, (int)Math.Ceiling(hi));
                var w = new List<double>();
                for (int i = first; i < last; i++)
                {
                    double overlap = Math.Min(hi, i + 1) - Math.Max(lo, i);
                    w.Add(overlap / scale);
                }
                start[o] = first;
                weights[o] = [.. w];
            }
            return new AxisWeights(start, weights);
        }
    }
}

namespace MetaLearn.Data;

/// <summary>
/// Interleaved integer samples to float planes in [0, 1]. <see cref="PngImage"/> and <see cref="DecodedImage"/>
/// both convert through here, so the same pixels give the same floats whichever decoder read them.
/// </summary>
/// <remarks>
/// Arithmetic is in double with one rounding to float at the end. That makes the inverted value
/// (float)(1 - v / max) bit-identical to the plain value of the negative sample (float)((max - v) / max) for every
/// 8- and 16-bit sample (checked exhaustively in the tests), so a drawing and its negative give identical ink.
/// Alpha is composited over white: c = v + (1 - a)(1 - v). A fully opaque pixel keeps v exactly; a transparent one
/// becomes white, the paper colour of a drawing exported on a transparent background.
/// </remarks>
internal static class SamplePlanes
{
    // ITU-R BT.601 luma weights.
    private const double Red = 0.299, Green = 0.587, Blue = 0.114;

    /// <summary>
    /// Writes the gray plane (0 black, 1 white; 1 - that when <paramref name="inverted"/>) of
    /// <paramref name="pixels"/> pixels with <paramref name="channels"/> interleaved samples each.
    /// </summary>
    public static void WriteGray(ReadOnlySpan<ushort> samples, int pixels, int channels, int maxValue, Span<float> destination, bool inverted)
    {
        if (destination.Length < pixels)
        {
            throw new ArgumentException($"Gray plane: the destination has {destination.Length} floats; the image has {pixels} pixels.", nameof(destination));
        }
        destination = destination[..pixels];
        samples = samples[..(pixels * channels)];
        double scale = 1.0 / maxValue;
        switch (channels)
        {
            case 1:
                if (inverted)
                {
                    for (int p = 0; p < destination.Length; p++)
                    {
                        destination[p] = (float)(1.0 - (samples[p] * scale));
                    }
                }
                else
                {
                    for (int p = 0; p < destination.Length; p++)
                    {
                        destination[p] = (float)(samples[p] * scale);
                    }
                }
                break;
            case 2:
                for (int p = 0; p < destination.Length; p++)
                {
                    double v = Composite(samples[2 * p] * scale, samples[(2 * p) + 1], maxValue, scale);
                    destination[p] = (float)(inverted ? 1.0 - v : v);
                }
                break;
            case 3:
                for (int p = 0; p < destination.Length; p++)
                {
                    int i = 3 * p;
                    double v = Luma(samples[i], samples[i + 1], samples[i + 2]) * scale;
                    destination[p] = (float)(inverted ? 1.0 - v : v);
                }
                break;
            case 4:
                for (int p = 0; p < destination.Length; p++)
                {
                    int i = 4 * p;
                    double v = Composite(Luma(samples[i], samples[i + 1], samples[i + 2]) * scale, samples[i + 3], maxValue, scale);
                    destination[p] = (float)(inverted ? 1.0 - v : v);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(channels), $"Gray plane: {channels} channels per pixel; 1 to 4 are defined.");
        }
    }

    /// <summary>
    /// Writes three planes R, G, B ([3, pixels], channel-first) in [0, 1]: gray is replicated into all three and
    /// alpha is composited over white.
    /// </summary>
    public static void WriteRgbPlanes(ReadOnlySpan<ushort> samples, int pixels, int channels, int maxValue, Span<float> destination)
    {
        if (destination.Length < 3 * pixels)
        {
            throw new ArgumentException($"RGB planes: the destination has {destination.Length} floats; {pixels} pixels need {3 * pixels}.", nameof(destination));
        }
        if (channels is < 1 or > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), $"RGB planes: {channels} channels per pixel; 1 to 4 are defined.");
        }
        double scale = 1.0 / maxValue;
        bool color = channels >= 3, alpha = channels is 2 or 4;
        for (int p = 0; p < pixels; p++)
        {
            int i = p * channels;
            for (int c = 0; c < 3; c++)
            {
                double v = samples[color ? i + c : i] * scale;
                destination[(c * pixels) + p] = (float)(alpha ? Composite(v, samples[i + channels - 1], maxValue, scale) : v);
            }
        }
    }

    /// <summary>
    /// BT.601 luma of one pixel in sample units. A gray pixel (r = g = b) is returned as is: the three weights sum
    /// to 1 only approximately in floating point, and a gray drawing saved as RGB (as BMP and GIF writers do) must
    /// give exactly the floats it gives saved as gray.
    /// </summary>
    private static double Luma(int r, int g, int b) =>
        r == g && g == b ? r : (Red * r) + (Green * g) + (Blue * b);

    /// <summary>Value <paramref name="v"/> in [0, 1] over white with integer alpha; exactly v when opaque.</summary>
    private static double Composite(double v, int alpha, int maxValue, double scale) =>
        alpha == maxValue ? v : v + ((maxValue - alpha) * scale * (1.0 - v));
}

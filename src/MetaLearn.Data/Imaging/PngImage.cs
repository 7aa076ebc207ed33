namespace MetaLearn.Data;

/// <summary>
/// A decoded PNG: samples in row-major order with channels interleaved, at their stored precision.
/// Palette images are expanded to RGB (or RGBA when a tRNS chunk gives transparency); grayscale and RGB images
/// with a tRNS colour key gain an alpha channel (0 on the key colour, maximum elsewhere).
/// </summary>
public sealed class PngImage
{
    private readonly ushort[] _samples;

    internal PngImage(int width, int height, int channels, int bitDepth, PngColorType colorType, bool interlaced, ushort[] samples)
    {
        Width = width;
        Height = height;
        Channels = channels;
        BitDepth = bitDepth;
        ColorType = colorType;
        Interlaced = interlaced;
        _samples = samples;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Channels per pixel after expansion: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.</summary>
    public int Channels { get; }

    /// <summary>Bits per sample after expansion (palette entries are 8-bit): 1, 2, 4, 8 or 16.</summary>
    public int BitDepth { get; }

    /// <summary>The colour type stored in the file.</summary>
    public PngColorType ColorType { get; }

    /// <summary>Whether the file was Adam7-interlaced (the samples here are already de-interlaced).</summary>
    public bool Interlaced { get; }

    /// <summary>The largest sample value, 2^<see cref="BitDepth"/> - 1.</summary>
    public int MaxValue => (1 << BitDepth) - 1;

    /// <summary>The raw samples, row-major, channels interleaved: index ((y * Width) + x) * Channels + c.</summary>
    public ReadOnlySpan<ushort> Samples => _samples;

    /// <summary>The raw sample of channel <paramref name="channel"/> at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public int this[int x, int y, int channel = 0]
    {
        get
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height || (uint)channel >= (uint)Channels)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(x), $"Pixel ({x}, {y}) channel {channel} is outside a {Width}x{Height} image with {Channels} channel(s).");
            }
            return _samples[((y * Width) + x) * Channels + channel];
        }
    }

    /// <summary>
    /// The image as one gray plane in [0, 1] (0 black, 1 white), row-major. Colour uses ITU-R BT.601 luma
    /// (0.299 R + 0.587 G + 0.114 B); alpha is composited over white, so transparent pixels are white paper
    /// whatever colour they store.
    /// </summary>
    public float[] ToGray()
    {
        var result = new float[Width * Height];
        WriteGray(result, inverted: false);
        return result;
    }

    /// <summary>
    /// <see cref="ToGray"/> into a caller's buffer of at least Width * Height floats; with <paramref name="inverted"/>
    /// each value v is written as 1 - v (Omniglot's ink = 1), rounded once, saving a second pass.
    /// </summary>
    internal void WriteGray(Span<float> destination, bool inverted) =>
        SamplePlanes.WriteGray(_samples, Width * Height, Channels, MaxValue, destination, inverted);

    /// <summary>
    /// The image as three planes R, G, B in [0, 1] (channel-first, shape [3, Height, Width]). Gray is
    /// replicated into all three; alpha is composited over white.
    /// </summary>
    public float[] ToRgbPlanes()
    {
        var result = new float[3 * Width * Height];
        SamplePlanes.WriteRgbPlanes(_samples, Width * Height, Channels, MaxValue, result);
        return result;
    }

    /// <summary>The samples array itself, for <see cref="DecodedImage"/> to share without a copy.</summary>
    internal ushort[] SampleArray => _samples;

    /// <inheritdoc/>
    public override string ToString() =>
        $"PngImage {Width}x{Height}, {Channels} channel(s) at {BitDepth} bit(s), from {ColorType}{(Interlaced ? ", Adam7" : "")}";
}

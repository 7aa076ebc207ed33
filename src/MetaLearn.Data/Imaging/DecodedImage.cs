namespace MetaLearn.Data;

/// <summary>
/// A decoded image of any supported format: integer samples in row-major order with channels interleaved
/// (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). PNGs keep their stored bit depth (1 to 16); the other formats are
/// 8-bit. Made by <see cref="ImageDecoder"/>.
/// </summary>
public sealed class DecodedImage
{
    private readonly ushort[] _samples;

    internal DecodedImage(int width, int height, int channels, int bitDepth, ImageFormat format, ushort[] samples)
    {
        Width = width;
        Height = height;
        Channels = channels;
        BitDepth = bitDepth;
        Format = format;
        _samples = samples;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Channels per pixel: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (GIFs are always RGBA).</summary>
    public int Channels { get; }

    /// <summary>Bits per sample: 8, or for PNG the stored depth (palette PNGs 8).</summary>
    public int BitDepth { get; }

    /// <summary>The format recognised from the file's bytes.</summary>
    public ImageFormat Format { get; }

    /// <summary>The largest sample value, 2^<see cref="BitDepth"/> - 1.</summary>
    public int MaxValue => (1 << BitDepth) - 1;

    /// <summary>The samples, row-major, channels interleaved: index ((y * Width) + x) * Channels + c.</summary>
    public ReadOnlySpan<ushort> Samples => _samples;

    /// <summary>The sample of channel <paramref name="channel"/> at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
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
    /// The image as one gray plane in [0, 1] (0 black, 1 white), row-major, exactly as
    /// <see cref="PngImage.ToGray"/>: ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B), alpha composited over white.
    /// </summary>
    public float[] ToGray()
    {
        var result = new float[Width * Height];
        WriteGray(result, inverted: false);
        return result;
    }

    /// <summary>The image as three planes R, G, B in [0, 1] ([3, Height, Width]); gray replicated, alpha over white.</summary>
    public float[] ToRgbPlanes()
    {
        var result = new float[3 * Width * Height];
        SamplePlanes.WriteRgbPlanes(_samples, Width * Height, Channels, MaxValue, result);
        return result;
    }

    /// <summary><see cref="ToGray"/> into a buffer of at least Width * Height floats, as 1 - v when <paramref name="inverted"/> (rounded once).</summary>
    internal void WriteGray(Span<float> destination, bool inverted) =>
        SamplePlanes.WriteGray(_samples, Width * Height, Channels, MaxValue, destination, inverted);

    /// <summary>Wraps a decoded PNG, sharing its samples.</summary>
    internal static DecodedImage FromPng(PngImage png) =>
        new(png.Width, png.Height, png.Channels, png.BitDepth, ImageFormat.Png, png.SampleArray);

    /// <inheritdoc/>
    public override string ToString() => $"DecodedImage {Format.DisplayName()} {Width}x{Height}, {Channels} channel(s) at {BitDepth} bit(s)";
}

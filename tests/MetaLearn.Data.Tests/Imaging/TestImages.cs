using StbImageWriteSharp;

namespace MetaLearn.Data.Tests.Imaging;

/// <summary>Test images in every format: PNG, BMP, TGA and JPEG by StbImageWriteSharp, GIF by <see cref="GifTestEncoder"/>.</summary>
internal static class TestImages
{
    /// <summary>
    /// A gray drawing on light paper, <paramref name="size"/> pixels square: an anti-aliased ring and a diagonal
    /// stroke, dark (near 0) on 255, with every gray level in between somewhere on the stroke edges.
    /// </summary>
    public static byte[] Drawing(int size)
    {
        var gray = new byte[size * size];
        double c = (size - 1) / 2.0, radius = size * 0.3, width = size * 0.06;
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                double ring = Math.Abs(Math.Sqrt(((x - c) * (x - c)) + ((y - c) * (y - c))) - radius);
                double diagonal = Math.Abs(x - y) / Math.Sqrt(2) + (x < size / 5 || x > size * 4 / 5 ? size : 0);
                double d = Math.Min(ring, diagonal);
                double ink = Math.Clamp(1.5 - (d / width), 0, 1);
                gray[(y * size) + x] = (byte)Math.Round(255 * (1 - ink));
            }
        }
        return gray;
    }

    /// <summary>The negative: 255 - v.</summary>
    public static byte[] Negative(byte[] gray) => [.. gray.Select(v => (byte)(255 - v))];

    /// <summary>Encodes 8-bit samples (<paramref name="channels"/> interleaved) as <paramref name="format"/>.</summary>
    public static byte[] Encode(ImageFormat format, byte[] samples, int width, int height, int channels = 1, int jpegQuality = 100)
    {
        if (format == ImageFormat.Gif)
        {
            Assert.Equal(1, channels);
            return GifTestEncoder.Encode(width, height, samples);
        }
        ColorComponents components = channels switch
        {
            1 => ColorComponents.Grey,
            2 => ColorComponents.GreyAlpha,
            3 => ColorComponents.RedGreenBlue,
            _ => ColorComponents.RedGreenBlueAlpha,
        };
        using var o = new MemoryStream();
        var writer = new ImageWriter();
        switch (format)
        {
            case ImageFormat.Png:
                writer.WritePng(samples, width, height, components, o);
                break;
            case ImageFormat.Bmp:
                writer.WriteBmp(samples, width, height, components, o);
                break;
            case ImageFormat.Tga:
                writer.WriteTga(samples, width, height, components, o);
                break;
            case ImageFormat.Jpeg:
                writer.WriteJpg(samples, width, height, components, o, jpegQuality);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), $"No test writer for {format}.");
        }
        return o.ToArray();
    }
}

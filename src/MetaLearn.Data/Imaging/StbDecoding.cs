using StbImageSharp;

namespace MetaLearn.Data;

/// <summary>JPEG, BMP, GIF and TGA (and, for comparison, PNG) through StbImageSharp, a C# port of stb_image.</summary>
internal static class StbDecoding
{
    /// <summary>
    /// Decodes <paramref name="bytes"/>, already recognised as <paramref name="format"/>, to 8-bit samples with the
    /// file's own channel count (GIF: RGBA, first frame only).
    /// </summary>
    /// <exception cref="ImageFormatException">StbImageSharp could not decode the bytes.</exception>
    public static unsafe DecodedImage Decode(ReadOnlySpan<byte> bytes, ImageFormat format, string source)
    {
        ImageResult result;
        try
        {
            fixed (byte* start = bytes)
            {
                using var stream = new UnmanagedMemoryStream(start, bytes.Length);
                result = ImageResult.FromStream(stream, ColorComponents.Default);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // stb reports failure as InvalidOperationException(StbImage.LastError); damaged data can also surface as
            // other exceptions from inside the port. LastError is one static string shared by all threads, so under
            // parallel decoding the reason quoted may belong to another file: it is a hint, the file name is not.
            string name = format.DisplayName();
            throw new ImageFormatException(
                source, format,
                $"the bytes start like a {name} but cannot be decoded (decoder: \"{e.Message}\"). The file is damaged or uses a {name} variant that is not supported; open it in an image viewer and export it as PNG.",
                e);
        }
        int channels = (int)result.Comp;
        long count = (long)result.Width * result.Height * channels;
        if (channels is < 1 or > 4 || result.Width <= 0 || result.Height <= 0 || result.Data is null || result.Data.Length != count)
        {
            throw new ImageFormatException(
                source, format, $"the decoder returned an inconsistent image ({result.Width}x{result.Height}, {channels} channel(s), {result.Data?.Length ?? 0} bytes). Export the file as PNG.");
        }
        var samples = new ushort[count];
        byte[] data = result.Data;
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = data[i];
        }
        return new DecodedImage(result.Width, result.Height, channels, 8, format, samples);
    }
}

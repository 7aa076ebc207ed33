namespace MetaLearn.Data;

/// <summary>
/// Decodes the image files people have: PNG (with <see cref="PngDecoder"/>, this project's decoder, which
/// measured faster than StbImageSharp on Omniglot and gives exact, detailed errors), and JPEG, BMP, GIF (first
/// frame) and TGA with StbImageSharp. The format is recognised from the bytes, never from the file name, so a
/// JPEG saved as "x.png" decodes as the JPEG it is.
/// </summary>
/// <remarks>
/// Every failure is an <see cref="ImageFormatException"/> (an <see cref="IOException"/>) naming the file,
/// the format the bytes are (or that they are none), and what to do. TIFF, WebP, HEIC/HEIF and AVIF are recognised
/// and refused with advice to convert to PNG. JPEG EXIF orientation is not applied: a phone photo is decoded as
/// stored, which may be rotated from how a viewer shows it.
/// </remarks>
public static class ImageDecoder
{
    /// <summary>The formats that decode, as named in messages.</summary>
    internal const string DecodedList = "PNG, JPEG, BMP, GIF and TGA";

    /// <summary>The format of <paramref name="bytes"/> by its magic number, or <see cref="ImageFormat.Unknown"/>.</summary>
    public static ImageFormat DetectFormat(ReadOnlySpan<byte> bytes) => ImageSignature.Detect(bytes);

    /// <summary>Decodes an image file from disk.</summary>
    /// <exception cref="FileNotFoundException">Nothing, or a folder, is at <paramref name="path"/>.</exception>
    /// <exception cref="ImageFormatException">The bytes are not a supported image (see the message).</exception>
    public static DecodedImage DecodeFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            string full = Path.GetFullPath(path);
            throw new FileNotFoundException(
                Directory.Exists(path)
                    ? $"'{full}' is a folder, not an image file. Give an image file ({DecodedList})."
                    : $"Image file '{full}' does not exist. Check the path.",
                path);
        }
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes a whole image stream (read to its end). <paramref name="nameForErrors"/> names it in errors.</summary>
    /// <exception cref="ImageFormatException">The bytes are not a supported image (see the message).</exception>
    public static DecodedImage Decode(Stream stream, string nameForErrors = "(stream)")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), nameForErrors);
    }

    /// <summary>Decodes image bytes. <paramref name="nameForErrors"/> (a path or zip entry) names them in errors.</summary>
    /// <exception cref="ImageFormatException">The bytes are not a supported image (see the message).</exception>
    public static DecodedImage Decode(ReadOnlySpan<byte> bytes, string nameForErrors = "(bytes)")
    {
        string source = nameForErrors ?? "(bytes)";
        ImageFormat format = ImageSignature.Detect(bytes);
        switch (format)
        {
            case ImageFormat.Png:
                return DecodedImage.FromPng(PngDecoder.Decode(bytes, source));
            case ImageFormat.Jpeg or ImageFormat.Bmp or ImageFormat.Gif or ImageFormat.Tga:
                return StbDecoding.Decode(bytes, format, source);
            case ImageFormat.Unknown:
                throw new ImageFormatException(source, format, Unrecognised(bytes, source));
            default:
                string name = format.DisplayName();
                throw new ImageFormatException(
                    source, format,
                    $"this is a {name} file, which is recognised but not decoded (only {DecodedList} are). Convert it to PNG, for example with an image editor's Export or 'magick INPUT OUTPUT.png', and use the PNG.");
        }
    }

    /// <summary>What is known about bytes that match no format: what the name claimed, and how they start.</summary>
    private static string Unrecognised(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length == 0)
        {
            return "the file is empty (0 bytes). Export or download the image again.";
        }
        ImageFormat claimed = ImageFormatExtensions.FromExtension(source);
        string start = claimed == ImageFormat.Unknown
            ? "the bytes are"
            : $"the name says {claimed.DisplayName()} ({Path.GetExtension(source)}) but the bytes are";
        ReadOnlySpan<byte> head = bytes[..Math.Min(8, bytes.Length)];
        string hex = Convert.ToHexString(head);
        string text = new([.. head.ToArray().Select(b => b is >= 0x20 and < 0x7F ? (char)b : '.')]);
        return $"{start} not a {DecodedList.Replace(" and ", " or ", StringComparison.Ordinal)} image ({bytes.Length} bytes starting {hex}, \"{text}\"). "
            + "It is damaged or another kind of file (an HTML page saved under an image name, say): if an image viewer opens it, export it as PNG from there; otherwise replace it.";
    }
}

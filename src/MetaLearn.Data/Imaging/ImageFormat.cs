namespace MetaLearn.Data;

/// <summary>
/// An image file format as recognised from a file's first bytes (its magic number), never from its name.
/// <see cref="ImageDecoder"/> decodes PNG, JPEG, BMP, GIF and TGA; the others are recognised so that the error
/// can name them.
/// </summary>
public enum ImageFormat
{
    /// <summary>The bytes match no format below: not an image, or a damaged one.</summary>
    Unknown = 0,

    /// <summary>PNG: decoded by <see cref="PngDecoder"/>, this project's own decoder.</summary>
    Png,

    /// <summary>JPEG (baseline and progressive): decoded with StbImageSharp.</summary>
    Jpeg,

    /// <summary>Windows bitmap: decoded with StbImageSharp.</summary>
    Bmp,

    /// <summary>GIF: the first frame, decoded with StbImageSharp.</summary>
    Gif,

    /// <summary>Truevision TGA: decoded with StbImageSharp. TGA has no magic number; it is recognised by a header whose fields are all valid.</summary>
    Tga,

    /// <summary>TIFF: recognised, not decoded.</summary>
    Tiff,

    /// <summary>WebP: recognised, not decoded.</summary>
    WebP,

    /// <summary>HEIC/HEIF (iPhone photos): recognised, not decoded.</summary>
    Heif,

    /// <summary>AVIF: recognised, not decoded.</summary>
    Avif,
}

/// <summary>Names and capabilities of <see cref="ImageFormat"/> values.</summary>
internal static class ImageFormatExtensions
{
    /// <summary>The format's usual name, as it appears in messages ("image" when unknown).</summary>
    public static string DisplayName(this ImageFormat format) => format switch
    {
        ImageFormat.Png => "PNG",
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Bmp => "BMP",
        ImageFormat.Gif => "GIF",
        ImageFormat.Tga => "TGA",
        ImageFormat.Tiff => "TIFF",
        ImageFormat.WebP => "WebP",
        ImageFormat.Heif => "HEIC/HEIF",
        ImageFormat.Avif => "AVIF",
        _ => "image",
    };

    /// <summary>Whether <see cref="ImageDecoder"/> decodes the format.</summary>
    public static bool IsDecoded(this ImageFormat format) => format is ImageFormat.Png or ImageFormat.Jpeg or ImageFormat.Bmp or ImageFormat.Gif or ImageFormat.Tga;

    /// <summary>
    /// The format a file name's extension claims (any letter case), or <see cref="ImageFormat.Unknown"/>. Used for
    /// choosing which files of a folder to read and for error messages; decoding goes by the bytes.
    /// </summary>
    public static ImageFormat FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => ImageFormat.Png,
        ".jpg" or ".jpeg" => ImageFormat.Jpeg,
        ".bmp" => ImageFormat.Bmp,
        ".gif" => ImageFormat.Gif,
        ".tga" => ImageFormat.Tga,
        ".tif" or ".tiff" => ImageFormat.Tiff,
        ".webp" => ImageFormat.WebP,
        ".heic" or ".heif" => ImageFormat.Heif,
        ".avif" => ImageFormat.Avif,
        _ => ImageFormat.Unknown,
    };
}

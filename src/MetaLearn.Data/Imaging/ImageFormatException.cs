namespace MetaLearn.Data;

/// <summary>
/// Bytes that cannot be decoded as an image: not an image at all, a damaged one, or a format that is recognised
/// but not decoded (TIFF, WebP, HEIC, AVIF). The message names the file, the format the bytes are (when
/// recognised) and what to do about it.
/// </summary>
/// <remarks>
/// An <see cref="IOException"/>, as <see cref="PngFormatException"/> always was: <see cref="InvalidDataException"/>,
/// the more specific choice, is sealed.
/// </remarks>
public class ImageFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="source"/> (a file path or zip entry name).</summary>
    /// <param name="source">The file path or zip entry the bytes came from.</param>
    /// <param name="format">The format the bytes were recognised as, or <see cref="ImageFormat.Unknown"/>.</param>
    /// <param name="problem">What was wrong and what to do, without the file name.</param>
    /// <param name="inner">The decoder's own exception, if any.</param>
    public ImageFormatException(string source, ImageFormat format, string problem, Exception? inner = null)
        : base($"{Label(format)} '{source}': {problem}", inner)
    {
        FileName = source;
        Format = format;
        Problem = problem;
    }

    /// <summary>The file path or zip entry the bytes came from, or "(bytes)" when none was given.</summary>
    public string FileName { get; }

    /// <summary>The format recognised from the bytes, or <see cref="ImageFormat.Unknown"/>.</summary>
    public ImageFormat Format { get; }

    /// <summary>What was wrong, without the file name.</summary>
    public string Problem { get; }

    private static string Label(ImageFormat format) => format == ImageFormat.Unknown ? "Image" : format.DisplayName();
}

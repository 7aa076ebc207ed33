namespace MetaLearn.Data;

/// <summary>
/// A PNG file that cannot be decoded: wrong signature, bad chunk CRC, truncated data, or a feature outside the
/// PNG specification. The message names the file (when known) and what was wrong.
/// </summary>
/// <remarks>
/// An <see cref="ImageFormatException"/> (still an <see cref="IOException"/>) with
/// <see cref="ImageFormatException.Format"/> = <see cref="ImageFormat.Png"/>.
/// </remarks>
public sealed class PngFormatException : ImageFormatException
{
    /// <summary>Creates the exception for <paramref name="source"/> (a file path or zip entry name).</summary>
    public PngFormatException(string source, string problem, Exception? inner = null)
        : base(source, ImageFormat.Png, problem, inner)
    {
    }
}

namespace MetaLearn.Data;

/// <summary>
/// A PNG file that cannot be decoded: wrong signature, bad chunk CRC, truncated data, or a feature outside the
/// PNG specification. The message names the file (when known) and what was wrong.
/// </summary>
public sealed class PngFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="source"/> (a file path or zip entry name).</summary>
    public PngFormatException(string source, string problem, Exception? inner = null)
        : base($"PNG '{source}': {problem}", inner)
    {
        FileName = source;
        Problem = problem;
    }

    /// <summary>The file path or zip entry the bytes came from, or "(bytes)" when none was given.</summary>
    public string FileName { get; }

    /// <summary>What was wrong, without the file name.</summary>
    public string Problem { get; }
}

namespace MetaLearn.Data;

/// <summary>A download failed: no network, an HTTP error, a timeout, or a checksum mismatch. The message names the URL and what to do.</summary>
public sealed class DatasetDownloadException : IOException
{
    /// <summary>Creates the exception.</summary>
    public DatasetDownloadException(Uri url, string message, Exception? inner = null)
        : base(message, inner)
    {
        Url = url;
    }

    /// <summary>The URL that was being fetched.</summary>
    public Uri Url { get; }
}

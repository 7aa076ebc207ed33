namespace MetaLearn.Data;

/// <summary>
/// A download failed: no network, an HTTP error, a timeout, a checksum mismatch, or a different file already in
/// place. The message names the URL and what to do with the library (<see cref="DownloadOptions"/>);
/// <see cref="Failure"/>, <see cref="Problem"/> and <see cref="Destination"/> let a program say what to do in its
/// own terms instead.
/// </summary>
public sealed class DatasetDownloadException : IOException
{
    /// <summary>Creates the exception; its message is <paramref name="problem"/> followed by <paramref name="advice"/>.</summary>
    /// <param name="url">The URL that was being fetched.</param>
    /// <param name="destination">The full path the file was to be written to.</param>
    /// <param name="failure">Why it failed.</param>
    /// <param name="problem">What happened, with the URL and the numbers involved, and no advice.</param>
    /// <param name="advice">What to do about it with the library's API.</param>
    /// <param name="inner">The exception that caused it, if any.</param>
    public DatasetDownloadException(Uri url, string destination, DownloadFailure failure, string problem, string advice, Exception? inner = null)
        : base($"{problem} {advice}", inner)
    {
        Url = url;
        Destination = destination;
        Failure = failure;
        Problem = problem;
    }

    /// <summary>The URL that was being fetched.</summary>
    public Uri Url { get; }

    /// <summary>The full path the file was to be written to.</summary>
    public string Destination { get; }

    /// <summary>Why the download failed.</summary>
    public DownloadFailure Failure { get; }

    /// <summary>What happened, without the library's advice (the message is this followed by the advice).</summary>
    public string Problem { get; }
}

namespace MetaLearn.Data;

/// <summary>
/// Why a <see cref="DatasetDownloader"/> download failed (<see cref="DatasetDownloadException.Failure"/>), so that a
/// program can give its own advice in its own terms: the <c>metalearn</c> command names its <c>--mirror</c> flag where
/// the library's message names <see cref="DownloadOptions.BaseUri"/>.
/// </summary>
public enum DownloadFailure
{
    /// <summary>No connection to the server: no network, a name that does not resolve, a refused connection.</summary>
    Unreachable,

    /// <summary>No complete answer within <see cref="DownloadOptions.Timeout"/>.</summary>
    TimedOut,

    /// <summary>The server answered with an error status (404 when the file has moved, say).</summary>
    HttpError,

    /// <summary>A <c>file://</c> source (a local mirror folder) does not hold the file.</summary>
    MissingLocalFile,

    /// <summary>The bytes received have another SHA-256 than expected (and, for Omniglot, the contents do not verify either); nothing was written.</summary>
    ChecksumMismatch,

    /// <summary>The destination already exists with other contents and <see cref="DownloadOptions.Overwrite"/> is off; it was left as it was.</summary>
    ExistingFileDiffers,
}

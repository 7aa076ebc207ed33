namespace MetaLearn.Data;

/// <summary>How <see cref="DatasetDownloader"/> fetches and checks a file.</summary>
public sealed record DownloadOptions
{
    /// <summary>
    /// Folder URL the Omniglot zips are fetched from (default <see cref="DatasetDownloader.OmniglotBaseUrl"/>).
    /// A mirror may be any http(s) folder or a local <c>file://</c> folder.
    /// </summary>
    public Uri? BaseUri { get; init; }

    /// <summary>
    /// The SHA-256 the file must have. When null, an Omniglot download is checked against
    /// <see cref="OmniglotChecksums"/> (read its remarks: for the two full zips that is the project's rebuilt copy,
    /// which a genuine upstream file will not match).
    /// </summary>
    public string? ExpectedSha256 { get; init; }

    /// <summary>Whether to refuse a file whose SHA-256 differs from the expected one (default true). Turning it off is explicit and recorded in the result.</summary>
    public bool VerifyChecksum { get; init; } = true;

    /// <summary>Whether to replace an existing destination file (default false: an existing file with the right checksum is kept, any other is an error).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Longest wait for the connection (default 10 s); with no network the download fails within this.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest time for the whole request including the body (default 10 min).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A handler to send requests through instead of a fresh <see cref="SocketsHttpHandler"/> (tests, proxies).
    /// It is not disposed. <see cref="ConnectTimeout"/> then applies only through <see cref="Timeout"/>.
    /// </summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>Receives the number of bytes written so far.</summary>
    public IProgress<long>? Progress { get; init; }
}

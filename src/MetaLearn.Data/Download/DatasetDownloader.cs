using System.Net.Sockets;
using System.Security.Cryptography;

namespace MetaLearn.Data;

/// <summary>
/// Fetches dataset files with checksum verification and an atomic write: the body goes to a temporary file
/// beside the destination, is hashed while it is written, and is renamed into place only when complete and
/// verified, so an interrupted or wrong download never leaves a file that looks usable. Without a network it
/// fails within <see cref="DownloadOptions.ConnectTimeout"/> with a <see cref="DatasetDownloadException"/> that
/// says how to get the file by hand.
/// </summary>
public static class DatasetDownloader
{
    /// <summary>
    /// The folder of the official Omniglot zips: the raw GitHub URL of brendenlake/omniglot's <c>python/</c>
    /// folder (the same one torchvision and learn2learn download from).
    /// </summary>
    public const string OmniglotBaseUrl = "https://raw.githubusercontent.com/brendenlake/omniglot/master/python/";

    /// <summary>The URL of <paramref name="set"/>'s zip under <paramref name="baseUri"/> (default <see cref="OmniglotBaseUrl"/>).</summary>
    public static Uri OmniglotUrl(OmniglotSet set, Uri? baseUri = null)
    {
        Uri folder = baseUri ?? new Uri(OmniglotBaseUrl);
        if (!folder.AbsoluteUri.EndsWith('/'))
        {
            folder = new Uri(folder.AbsoluteUri + "/");
        }
        return new Uri(folder, set.FileStem() + ".zip");
    }

    /// <summary>
    /// Downloads <paramref name="set"/>'s zip into <paramref name="directory"/> (created if needed) as
    /// <c>STEM.zip</c>, checked against <see cref="DownloadOptions.ExpectedSha256"/> or else
    /// <see cref="OmniglotChecksums.For"/>. Where <see cref="OmniglotDataset"/> and <see cref="OmniglotSets.Locate"/> look.
    /// </summary>
    public static Task<DownloadResult> DownloadOmniglotAsync(OmniglotSet set, string directory, DownloadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        options ??= new DownloadOptions();
        KnownChecksum known = OmniglotChecksums.For(set);
        string? expected = options.ExpectedSha256 ?? known.Sha256;
        string source = options.ExpectedSha256 is null ? known.Provenance : "given by the caller";
        // The recorded checksums are of the project's copies, whose PNG bytes may differ from upstream's: a genuine
        // upstream zip is accepted when its contents verify instead. A checksum the caller gave is always strict.
        Func<string, string?>? contents = options.ExpectedSha256 is null ? zip => OmniglotContentProblem(zip, set) : null;
        return DownloadCoreAsync(OmniglotUrl(set, options.BaseUri), Path.Combine(directory, known.FileName), expected, source, options, cancellationToken, contents);
    }

    /// <summary>
    /// Null when <paramref name="zip"/> holds exactly the official <paramref name="set"/> (its alphabet, character and
    /// drawing counts) and every drawing decodes; otherwise what is wrong.
    /// </summary>
    private static string? OmniglotContentProblem(string zip, OmniglotSet set)
    {
        DatasetReport report = DatasetVerifier.Verify(zip, new DatasetVerifyOptions
        {
            Layout = DatasetLayout.Omniglot, DecodeCount = DatasetVerifyOptions.All, ComputeChecksum = false, MaxProblems = 3,
        });
        var (alphabets, characters, drawings) = DatasetVerifier.ExpectedTotals(set.FileStem())!.Value;
        if (!report.IsValid)
        {
            return $"its contents do not verify either: {string.Join(" ", report.Problems.Select(p => p.ToString()))}";
        }
        if ((report.Alphabets, report.Classes, report.Images) != (alphabets, characters, drawings))
        {
            return $"its contents are not {set.FileStem()} either: {report.Alphabets} alphabets, {report.Classes} characters, " +
                $"{report.Images} drawings instead of {alphabets}, {characters} and {drawings:N0}";
        }
        return null;
    }

    /// <summary>
    /// <paramref name="check"/>, or for a mismatch whose contents verify (<paramref name="contents"/> returns null),
    /// the same check marked <see cref="ChecksumStatus.ContentVerified"/>; the content problem, if any, for the message.
    /// </summary>
    private static (ChecksumCheck Check, string? ContentProblem) WithContentCheck(ChecksumCheck check, string file, Func<string, string?>? contents)
    {
        if (check.Status != ChecksumStatus.Mismatch || contents is null)
        {
            return (check, null);
        }
        string? problem = contents(file);
        return problem is null ? (check with { Status = ChecksumStatus.ContentVerified }, null) : (check, problem);
    }

    /// <summary>
    /// Downloads <paramref name="url"/> (http, https or file) to <paramref name="destination"/>. With
    /// <see cref="DownloadOptions.VerifyChecksum"/> on, <see cref="DownloadOptions.ExpectedSha256"/> is required.
    /// </summary>
    public static Task<DownloadResult> DownloadAsync(Uri url, string destination, DownloadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new DownloadOptions();
        if (options.VerifyChecksum && options.ExpectedSha256 is null)
        {
            throw new ArgumentException(
                $"Download of {url}: no expected SHA-256 was given. Pass DownloadOptions.ExpectedSha256, or set VerifyChecksum = false to accept any content.");
        }
        return DownloadCoreAsync(url, destination, options.ExpectedSha256, "given by the caller", options, cancellationToken);
    }

    private static async Task<DownloadResult> DownloadCoreAsync(Uri url, string destination, string? expected, string expectedSource, DownloadOptions options,
        CancellationToken ct, Func<string, string?>? contents = null)
    {
        if (!url.IsFile && url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Download: '{url}' is not an http, https or file URL.", nameof(url));
        }
        if (options.ConnectTimeout <= TimeSpan.Zero || options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Download: timeouts must be positive, got connect {options.ConnectTimeout} and total {options.Timeout}.");
        }
        string target = Path.GetFullPath(destination);
        string? checkAgainst = options.VerifyChecksum && expected is not null ? FileChecksum.Normalize(expected, $"Download of {url}") : null;
        if (File.Exists(target) && !options.Overwrite)
        {
            return KeepExisting(url, target, checkAgainst, expectedSource, contents);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        string temp = $"{target}.{Guid.NewGuid():N}.part";
        try
        {
            (long bytes, string actual) = await FetchAsync(url, temp, target, options, ct).ConfigureAwait(false);
            (ChecksumCheck check, string? contentProblem) = WithContentCheck(
                ChecksumCheck.Compare(actual, checkAgainst, checkAgainst is null ? null : expectedSource), temp, contents);
            if (check.Status == ChecksumStatus.Mismatch)
            {
                throw new DatasetDownloadException(url, target, DownloadFailure.ChecksumMismatch,
                    $"Download of {url}: the {bytes:N0} bytes received have SHA-256 {actual}, but {checkAgainst} was expected ({expectedSource})" +
                    (contentProblem is null ? ". " : $", and {contentProblem}. ") +
                    $"Nothing was written to '{target}'.",
                    "The transfer was damaged or the file has changed; if you trust the source, " +
                    "pass DownloadOptions.ExpectedSha256 with the new value (or VerifyChecksum = false) and check the contents with DatasetVerifier.");
            }
            File.Move(temp, target, overwrite: true);
            return new DownloadResult(target, url, bytes, check, Downloaded: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static DownloadResult KeepExisting(Uri url, string target, string? expected, string expectedSource, Func<string, string?>? contents)
    {
        (ChecksumCheck check, _) = WithContentCheck(
            ChecksumCheck.Compare(FileChecksum.Sha256(target), expected, expected is null ? null : expectedSource), target, contents);
        if (check.Status == ChecksumStatus.Mismatch)
        {
            throw new DatasetDownloadException(url, target, DownloadFailure.ExistingFileDiffers,
                $"Download of {url}: '{target}' already exists with SHA-256 {check.Actual}, not the expected {expected}.",
                "Delete it or set DownloadOptions.Overwrite = true to download it again.");
        }
        return new DownloadResult(target, url, new FileInfo(target).Length, check, Downloaded: false);
    }

    /// <summary>Copies the body into <paramref name="temp"/>, hashing as it goes; returns its length and SHA-256.</summary>
    private static async Task<(long Bytes, string Sha256)> FetchAsync(Uri url, string temp, string target, DownloadOptions options, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        HttpMessageHandler handler = options.Handler ?? new SocketsHttpHandler { ConnectTimeout = options.ConnectTimeout };
        // HttpClient's own timeout is off: the linked token covers the whole transfer, body included.
        using var client = new HttpClient(handler, disposeHandler: options.Handler is null) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        try
        {
            if (url.IsFile)
            {
                if (!File.Exists(url.LocalPath))
                {
                    throw new DatasetDownloadException(url, target, DownloadFailure.MissingLocalFile,
                        $"Download of {url}: the local file '{url.LocalPath}' does not exist.", "Check the mirror folder.");
                }
                await using FileStream local = File.OpenRead(url.LocalPath);
                return await CopyAsync(local, temp, options.Progress, timeout.Token).ConfigureAwait(false);
            }
            using HttpResponseMessage response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new DatasetDownloadException(url, target, DownloadFailure.HttpError,
                    $"Download of {url}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}.",
                    "Check the URL (the file may have moved) or download it by hand.");
            }
            await using Stream body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            return await CopyAsync(body, temp, options.Progress, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new DatasetDownloadException(url, target, DownloadFailure.TimedOut,
                $"Download of {url}: no complete answer within {options.Timeout.TotalSeconds:0.#} s.", NoNetworkHint(url, target), e);
        }
        catch (HttpRequestException e)
        {
            string what = e.InnerException is SocketException s ? $"{s.SocketErrorCode}: {e.Message}" : e.Message;
            throw new DatasetDownloadException(url, target, DownloadFailure.Unreachable, $"Download of {url}: cannot reach the server ({what}).", NoNetworkHint(url, target), e);
        }
    }

    private static async Task<(long Bytes, string Sha256)> CopyAsync(Stream source, string temp, IProgress<long>? progress, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long total = 0;
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            int read;
            while ((read = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                total += read;
                progress?.Report(total);
            }
            await file.FlushAsync(ct).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static string NoNetworkHint(Uri url, string target) =>
        $"If this machine has no network, download {url} elsewhere and copy it to '{target}', or point DownloadOptions.BaseUri at a mirror (a file:// folder works).";
}

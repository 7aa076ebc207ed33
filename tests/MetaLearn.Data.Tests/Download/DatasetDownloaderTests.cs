using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using MetaLearn.Data;
using MetaLearn.Data.Tests.Omniglot;

namespace MetaLearn.Data.Tests.Download;

/// <summary>No test touches the network: failures use unreachable addresses with short timeouts, successes a handler or file://.</summary>
public sealed class DatasetDownloaderTests : IDisposable
{
    private static readonly byte[] Payload = [.. Enumerable.Range(0, 200_000).Select(i => (byte)(i * 31))];
    private static readonly string PayloadSha = Convert.ToHexStringLower(SHA256.HashData(Payload));

    private readonly string _dir = Directory.CreateTempSubdirectory("download").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Answers every request with a fixed status and body, and counts requests.</summary>
    private sealed class FixedHandler(HttpStatusCode status, byte[] body) : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new ByteArrayContent(body) });
        }
    }

    [Fact]
    public void OfficialUrlsAreTheRawGitHubFiles()
    {
        Assert.Equal("https://raw.githubusercontent.com/brendenlake/omniglot/master/python/images_background.zip",
            DatasetDownloader.OmniglotUrl(OmniglotSet.Background).AbsoluteUri);
        Assert.Equal("https://raw.githubusercontent.com/brendenlake/omniglot/master/python/images_evaluation.zip",
            DatasetDownloader.OmniglotUrl(OmniglotSet.Evaluation).AbsoluteUri);
        Assert.Equal("http://mirror/x/images_background_small2.zip",
            DatasetDownloader.OmniglotUrl(OmniglotSet.BackgroundSmall2, new Uri("http://mirror/x")).AbsoluteUri);
    }

    [Fact]
    public async Task RefusedConnectionFailsFastAndClearlyLeavingNothing()
    {
        // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
        var options = new DownloadOptions { BaseUri = new Uri("http://127.0.0.1:9/omniglot/"), ConnectTimeout = TimeSpan.FromSeconds(2), Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadOmniglotAsync(OmniglotSet.Background, _dir, options));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal("http://127.0.0.1:9/omniglot/images_background.zip", e.Url.AbsoluteUri);
        Assert.Contains("cannot reach", e.Message);
        Assert.Contains("no network", e.Message);
        Assert.Contains(Path.Combine(_dir, "images_background.zip"), e.Message);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task UnresolvableHostFailsWithinTheTimeout()
    {
        // .invalid never resolves (RFC 2606); with or without DNS this must end within the timeouts.
        var options = new DownloadOptions { BaseUri = new Uri("https://omniglot.invalid/"), ConnectTimeout = TimeSpan.FromSeconds(2), Timeout = TimeSpan.FromSeconds(3) };
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadOmniglotAsync(OmniglotSet.Evaluation, _dir, options));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("omniglot.invalid", e.Message);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task ChecksumMismatchWritesNothing()
    {
        var handler = new FixedHandler(HttpStatusCode.OK, Payload);
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() =>
            DatasetDownloader.DownloadOmniglotAsync(OmniglotSet.Background, _dir, new DownloadOptions { Handler = handler }));
        Assert.Contains(PayloadSha, e.Message);
        Assert.Contains(OmniglotChecksums.For(OmniglotSet.Background).Sha256, e.Message);
        Assert.Contains("rebuilt pixel-exact", e.Message);
        Assert.Single(handler.Requests);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task VerifiedDownloadIsRenamedIntoPlaceAndKeptOnTheNextCall()
    {
        string target = Path.Combine(_dir, "sub", "data.bin");
        var handler = new FixedHandler(HttpStatusCode.OK, Payload);
        var progress = new List<long>();
        var options = new DownloadOptions { Handler = handler, ExpectedSha256 = PayloadSha.ToUpperInvariant(), Progress = new SyncProgress(progress) };
        DownloadResult r = await DatasetDownloader.DownloadAsync(new Uri("http://example.test/data.bin"), target, options);
        Assert.True(r.Downloaded);
        Assert.Equal((target, Payload.LongLength, ChecksumStatus.Match), (r.Path, r.Bytes, r.Checksum.Status));
        Assert.Equal(Payload, File.ReadAllBytes(target));
        Assert.Equal(Payload.LongLength, progress[^1]);
        Assert.Equal([target], Directory.GetFiles(Path.Combine(_dir, "sub")));

        DownloadResult again = await DatasetDownloader.DownloadAsync(new Uri("http://example.test/data.bin"), target, options);
        Assert.False(again.Downloaded);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task ExistingFileWithOtherContentIsNotReplacedUnlessAsked()
    {
        string target = Path.Combine(_dir, "data.bin");
        File.WriteAllBytes(target, [1, 2, 3]);
        var handler = new FixedHandler(HttpStatusCode.OK, Payload);
        var options = new DownloadOptions { Handler = handler, ExpectedSha256 = PayloadSha };
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadAsync(new Uri("http://example.test/data.bin"), target, options));
        Assert.Contains("already exists", e.Message);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(target));

        await DatasetDownloader.DownloadAsync(new Uri("http://example.test/data.bin"), target, options with { Overwrite = true });
        Assert.Equal(Payload, File.ReadAllBytes(target));

        // A failed overwrite keeps the old file: the new bytes only ever land through the rename.
        var wrong = options with { Overwrite = true, ExpectedSha256 = new string('a', 64) };
        File.WriteAllBytes(target, [4, 5]);
        await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadAsync(new Uri("http://example.test/data.bin"), target, wrong));
        Assert.Equal([4, 5], File.ReadAllBytes(target));
        Assert.Equal([target], Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task HttpErrorNamesTheStatus()
    {
        var options = new DownloadOptions { Handler = new FixedHandler(HttpStatusCode.NotFound, []), ExpectedSha256 = PayloadSha };
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadAsync(new Uri("http://example.test/gone.zip"), Path.Combine(_dir, "gone.zip"), options));
        Assert.Contains("404", e.Message);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task UnverifiedDownloadIsExplicit()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => DatasetDownloader.DownloadAsync(new Uri("http://example.test/x"), Path.Combine(_dir, "x")));
        var options = new DownloadOptions { Handler = new FixedHandler(HttpStatusCode.OK, Payload), VerifyChecksum = false };
        DownloadResult r = await DatasetDownloader.DownloadAsync(new Uri("http://example.test/x"), Path.Combine(_dir, "x"), options);
        Assert.Equal(ChecksumStatus.NoReference, r.Checksum.Status);
        Assert.Equal(PayloadSha, r.Checksum.Actual);
    }

    [Fact]
    public async Task FileMirrorOfTheSharedDataVerifiesAgainstTheKnownChecksum()
    {
        var options = new DownloadOptions { BaseUri = new Uri(OmniglotFiles.Root + "/") };
        DownloadResult r = await DatasetDownloader.DownloadOmniglotAsync(OmniglotSet.BackgroundSmall1, _dir, options);
        Assert.Equal(ChecksumStatus.Match, r.Checksum.Status);
        Assert.Equal(Path.Combine(_dir, "images_background_small1.zip"), r.Path);
        Assert.True(DatasetVerifier.Verify(r.Path).IsValid);

        var missing = options with { BaseUri = new Uri(Path.Combine(_dir, "no-mirror") + "/") };
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadOmniglotAsync(OmniglotSet.Evaluation, _dir, missing));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public async Task AnUpstreamZipWithOtherBytesIsAcceptedWhenItsContentsVerify()
    {
        // The same drawings stored uncompressed: other bytes (so another SHA-256), the same contents, as with the
        // genuine upstream zips against the project's pixel-exact rebuilds.
        byte[] same = Rezip(OmniglotFiles.Zip("images_background_small1"), dropOne: false);
        var options = new DownloadOptions { Handler = new FixedHandler(HttpStatusCode.OK, same) };
        DownloadResult r = await DatasetDownloader.DownloadOmniglotAsync(OmniglotSet.BackgroundSmall1, _dir, options);
        Assert.Equal(ChecksumStatus.ContentVerified, r.Checksum.Status);
        Assert.NotEqual(r.Checksum.Expected, r.Checksum.Actual);
        Assert.Equal(same, File.ReadAllBytes(r.Path));
        DownloadResult again = await DatasetDownloader.DownloadOmniglotAsync(OmniglotSet.BackgroundSmall1, _dir, options);
        Assert.Equal((false, ChecksumStatus.ContentVerified), (again.Downloaded, again.Checksum.Status));

        // One drawing missing: the checksum mismatch stands, the message says why the contents fail, nothing is written.
        byte[] short1 = Rezip(OmniglotFiles.Zip("images_background_small1"), dropOne: true);
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadOmniglotAsync(OmniglotSet.BackgroundSmall2, _dir,
            new DownloadOptions { Handler = new FixedHandler(HttpStatusCode.OK, short1) }));
        Assert.Contains("its contents", e.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "images_background_small2.zip")));

        // The right contents under another set's name are refused too.
        e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadOmniglotAsync(OmniglotSet.BackgroundSmall2, _dir,
            new DownloadOptions { Handler = new FixedHandler(HttpStatusCode.OK, same) }));
        Assert.Contains("136 characters, 2720 drawings instead of 5, 156 and 3,120", e.Message);

        // A checksum the caller gives is strict: no content fallback.
        e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadOmniglotAsync(OmniglotSet.BackgroundSmall1, Path.Combine(_dir, "strict"),
            new DownloadOptions { Handler = new FixedHandler(HttpStatusCode.OK, same), ExpectedSha256 = OmniglotChecksums.For(OmniglotSet.BackgroundSmall1).Sha256 }));
        Assert.DoesNotContain("its contents", e.Message);
    }

    /// <summary>The entries of <paramref name="zip"/> rewritten without compression, optionally without the last drawing.</summary>
    internal static byte[] Rezip(string zip, bool dropOne)
    {
        using var source = ZipFile.OpenRead(zip);
        var buffer = new MemoryStream();
        using (var target = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            ZipArchiveEntry last = source.Entries.Last(e => e.FullName.EndsWith(".png", StringComparison.Ordinal));
            foreach (ZipArchiveEntry entry in source.Entries)
            {
                if (dropOne && entry == last)
                {
                    continue;
                }
                ZipArchiveEntry copy = target.CreateEntry(entry.FullName, CompressionLevel.NoCompression);
                using Stream from = entry.Open(), to = copy.Open();
                from.CopyTo(to);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this one records synchronously.</summary>
    private sealed class SyncProgress(List<long> values) : IProgress<long>
    {
        public void Report(long value) => values.Add(value);
    }
}

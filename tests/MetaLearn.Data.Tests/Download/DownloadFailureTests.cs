using System.Net;
using MetaLearn.Data;

namespace MetaLearn.Data.Tests.Download;

/// <summary>
/// Every download failure says why (<see cref="DatasetDownloadException.Failure"/>), where the file was to go, and what
/// happened apart from the library's advice (<see cref="DatasetDownloadException.Problem"/>), so the CLI can advise in
/// its own flags; the message itself keeps naming <see cref="DownloadOptions"/> for library users. No network is used.
/// </summary>
public sealed class DownloadFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("download-failure").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Answers with a status and body, or never (until the request is cancelled).</summary>
    private sealed class Handler(HttpStatusCode status, byte[] body, bool hang = false) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return new HttpResponseMessage(status) { Content = new ByteArrayContent(body) };
        }
    }

    private static void AssertSplit(DatasetDownloadException e, DownloadFailure failure, string destination)
    {
        Assert.Equal(failure, e.Failure);
        Assert.Equal(destination, e.Destination);
        Assert.StartsWith(e.Problem + " ", e.Message);
        Assert.StartsWith($"Download of {e.Url}: ", e.Problem);
        Assert.DoesNotContain("DownloadOptions", e.Problem);
    }

    [Fact]
    public async Task UnreachableServerAndTimeoutAdviseAMirrorButTheProblemDoesNotNameTheOption()
    {
        var options = new DownloadOptions { BaseUri = new Uri("http://127.0.0.1:9/"), ConnectTimeout = TimeSpan.FromSeconds(2), Timeout = TimeSpan.FromSeconds(5) };
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadOmniglotAsync(OmniglotSet.Evaluation, _dir, options));
        AssertSplit(e, DownloadFailure.Unreachable, Path.Combine(_dir, "images_evaluation.zip"));
        Assert.Contains("cannot reach the server", e.Problem);
        Assert.Contains("DownloadOptions.BaseUri", e.Message);

        var slow = new DownloadOptions { Handler = new Handler(HttpStatusCode.OK, [], hang: true), Timeout = TimeSpan.FromMilliseconds(200) };
        e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadOmniglotAsync(OmniglotSet.Evaluation, _dir, slow));
        AssertSplit(e, DownloadFailure.TimedOut, Path.Combine(_dir, "images_evaluation.zip"));
        Assert.Contains("no complete answer within 0.2 s", e.Problem);
    }

    [Fact]
    public async Task HttpErrorMissingMirrorFileAndChecksumMismatchAreEachNamed()
    {
        string target = Path.Combine(_dir, "x.bin");
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadAsync(new Uri("http://example.test/x.bin"), target,
            new DownloadOptions { Handler = new Handler(HttpStatusCode.NotFound, []), VerifyChecksum = false }));
        AssertSplit(e, DownloadFailure.HttpError, target);
        Assert.Contains("404", e.Problem);

        var missing = new DownloadOptions { BaseUri = new Uri(Path.Combine(_dir, "no-mirror") + "/") };
        e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadOmniglotAsync(OmniglotSet.Background, _dir, missing));
        AssertSplit(e, DownloadFailure.MissingLocalFile, Path.Combine(_dir, "images_background.zip"));
        Assert.Contains("does not exist", e.Problem);

        e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadAsync(new Uri("http://example.test/x.bin"), target,
            new DownloadOptions { Handler = new Handler(HttpStatusCode.OK, [1, 2, 3]), ExpectedSha256 = new string('a', 64) }));
        AssertSplit(e, DownloadFailure.ChecksumMismatch, target);
        Assert.Contains("Nothing was written", e.Problem);
        Assert.Contains("DownloadOptions.ExpectedSha256", e.Message);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task ADifferentFileAlreadyInPlaceIsADownloadFailureLeftAsItWas()
    {
        string target = Path.Combine(_dir, "x.bin");
        File.WriteAllBytes(target, [9]);
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => DatasetDownloader.DownloadAsync(new Uri("http://example.test/x.bin"), target,
            new DownloadOptions { Handler = new Handler(HttpStatusCode.OK, [1, 2, 3]), ExpectedSha256 = new string('a', 64) }));
        AssertSplit(e, DownloadFailure.ExistingFileDiffers, target);
        Assert.Contains("already exists", e.Problem);
        Assert.Contains("DownloadOptions.Overwrite", e.Message);
        Assert.Equal([9], File.ReadAllBytes(target));
    }
}

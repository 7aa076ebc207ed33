namespace MetaLearn.Data;

/// <summary>A SHA-256 the project knows for a file, and where that value comes from.</summary>
/// <param name="FileName">The file name, e.g. <c>images_background.zip</c>.</param>
/// <param name="Sha256">The checksum, 64 lower-case hex digits.</param>
/// <param name="Provenance">What the checksum is of, in words: which copy was hashed and whether it is the upstream file.</param>
public sealed record KnownChecksum(string FileName, string Sha256, string Provenance);

/// <summary>
/// SHA-256 checksums of the Omniglot zips this project tests against (<c>shared/data/omniglot/SHA256SUMS</c>).
/// </summary>
/// <remarks>
/// <b>These are checksums of the project's copies, not certified checksums of the upstream files.</b> The two
/// full zips (<c>images_background.zip</c>, <c>images_evaluation.zip</c>) were rebuilt pixel-exact from a public
/// compressed copy: every drawing has the upstream pixels, but the PNG bytes (and so the zip's SHA-256) differ
/// from the files at <see cref="DatasetDownloader.OmniglotBaseUrl"/>. A genuine upstream download of a full zip
/// therefore <i>mismatches</i> the value recorded here, and is accepted on its contents instead:
/// <see cref="DatasetDownloader.DownloadOmniglotAsync"/> (and <see cref="DatasetVerifier"/> with
/// <see cref="DatasetVerifyOptions.DecodeCount"/> = <see cref="DatasetVerifyOptions.All"/>) check the official counts
/// (alphabets, characters, 20 drawings each) and that every drawing decodes, and report
/// <see cref="ChecksumStatus.ContentVerified"/>. The two small zips were not rebuilt as far as the data's README says,
/// but their checksums were not compared with upstream either (this machine has no network).
/// </remarks>
public static class OmniglotChecksums
{
    private const string Rebuilt =
        "SHA-256 of the project's copy (shared/data/omniglot), rebuilt pixel-exact from a public compressed copy: same pixels as upstream, " +
        "different PNG bytes, so the upstream zip's SHA-256 differs and is not recorded here.";

    private const string SharedCopy =
        "SHA-256 of the project's copy (shared/data/omniglot), not rebuilt according to its README, but not compared with the upstream file either.";

    /// <summary>The four known checksums.</summary>
    public static IReadOnlyList<KnownChecksum> All { get; } =
    [
        new("images_background.zip", "f871d268eaea9d68f8ad9e0f9bdf7129bf00292b5a7d3f353516fd193de266c3", Rebuilt),
        new("images_evaluation.zip", "12578aae8eb3885b1d772229e020e2e34f834c7b98cf005354f55889b52f5a8c", Rebuilt),
        new("images_background_small1.zip", "f38eb80f801274ac2b4dff5b24289016bfaba4a7d5bb50deebf27104ad6cb8a4", SharedCopy),
        new("images_background_small2.zip", "3ccaa407515a8778e5d0861875af38b17e418f301ad5bb3b5a6b65d901a41c7f", SharedCopy),
    ];

    /// <summary>The known checksum of <paramref name="set"/>'s zip.</summary>
    public static KnownChecksum For(OmniglotSet set)
    {
        string name = set.FileStem() + ".zip";
        return All.First(k => k.FileName == name);
    }

    /// <summary>The known checksum of a file called <paramref name="fileName"/> (no folder), or null.</summary>
    public static KnownChecksum? Find(string fileName) => All.FirstOrDefault(k => string.Equals(k.FileName, fileName, StringComparison.OrdinalIgnoreCase));
}

namespace MetaLearn.Data;

/// <summary>How a computed checksum compares with a reference.</summary>
public enum ChecksumStatus
{
    /// <summary>Equal to the expected checksum.</summary>
    Match,

    /// <summary>Different from the expected checksum.</summary>
    Mismatch,

    /// <summary>Computed, but nothing to compare with (not a known file and none given).</summary>
    NoReference,

    /// <summary>
    /// Different bytes from the project's recorded copy, but the contents were verified instead: for an Omniglot zip,
    /// the official alphabet, character and drawing counts, and every drawing decodes (the upstream zips' PNG bytes
    /// differ from the project's pixel-exact rebuilds).
    /// </summary>
    ContentVerified,
}

/// <summary>The SHA-256 of a file and how it compares with the expected value.</summary>
/// <param name="Actual">The file's SHA-256, lower-case hex.</param>
/// <param name="Expected">The checksum it was compared with, or null.</param>
/// <param name="ExpectedSource">Where <paramref name="Expected"/> comes from (a <see cref="KnownChecksum.Provenance"/> or "given by the caller").</param>
/// <param name="Status">The outcome.</param>
public sealed record ChecksumCheck(string Actual, string? Expected, string? ExpectedSource, ChecksumStatus Status)
{
    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/> (null gives <see cref="ChecksumStatus.NoReference"/>).</summary>
    public static ChecksumCheck Compare(string actual, string? expected, string? source)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ChecksumStatus status = expected is null ? ChecksumStatus.NoReference
            : FileChecksum.Same(actual, expected) ? ChecksumStatus.Match : ChecksumStatus.Mismatch;
        return new ChecksumCheck(actual, expected, expected is null ? null : source, status);
    }
}

namespace MetaLearn.Data;

/// <summary>The layout <see cref="DatasetVerifier"/> checks a dataset against.</summary>
public enum DatasetLayout
{
    /// <summary>Omniglot if the PNGs sit in <c>characterNN</c> folders, otherwise an image folder.</summary>
    Auto,

    /// <summary><c>[SET/]ALPHABET/characterNN/IIII_DD.png</c>, as <see cref="OmniglotDataset"/> reads.</summary>
    Omniglot,

    /// <summary>One sub-folder of images per class, as <see cref="ImageFolderDataset"/> reads.</summary>
    ImageFolder,
}

/// <summary>What <see cref="DatasetVerifier.Verify"/> checks.</summary>
public sealed record DatasetVerifyOptions
{
    /// <summary>Use as <see cref="DecodeCount"/> to decode every image.</summary>
    public const int All = int.MaxValue;

    /// <summary>The layout to expect; <see cref="DatasetLayout.Auto"/> by default.</summary>
    public DatasetLayout Layout { get; init; } = DatasetLayout.Auto;

    /// <summary>
    /// How many images to decode: 0 (default) only indexes and counts; n decodes n files spread evenly over the
    /// ordinal file list (deterministic, so two runs check the same files); <see cref="All"/> decodes every one.
    /// </summary>
    public int DecodeCount { get; init; }

    /// <summary>Whether to compute a zip's SHA-256 (default true; folders have no single checksum).</summary>
    public bool ComputeChecksum { get; init; } = true;

    /// <summary>
    /// The SHA-256 the zip should have. When null, a known Omniglot zip name is compared with
    /// <see cref="OmniglotChecksums"/>, and any other file gets <see cref="ChecksumStatus.NoReference"/>.
    /// </summary>
    public string? ExpectedSha256 { get; init; }

    /// <summary>At most this many problems are listed (default 100); the rest are only counted.</summary>
    public int MaxProblems { get; init; } = 100;
}

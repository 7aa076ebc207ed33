namespace MetaLearn.Data;

/// <summary>What kind of problem <see cref="DatasetVerifier"/> found.</summary>
public enum DatasetProblemKind
{
    /// <summary>The zip itself cannot be opened (truncated, not a zip).</summary>
    UnreadableArchive,

    /// <summary>A zip entry cannot be read (bad compressed data or CRC).</summary>
    UnreadableEntry,

    /// <summary>An Omniglot drawing (PNG) that does not decode (wrong signature, bad chunk CRC, truncated image data, ...); an image folder's are <see cref="UndecodableImage"/>.</summary>
    UndecodablePng,

    /// <summary>A class folder with no images (an Omniglot character or alphabet folder: no PNG drawings).</summary>
    EmptyClass,

    /// <summary>An image other than PNG (JPEG, BMP, ...) in an Omniglot layout, whose reader takes PNG drawings only. (An image folder takes every format <see cref="ImageDecoder"/> decodes.)</summary>
    NotPng,

    /// <summary>An image outside the expected layout (e.g. directly in the root of an image folder), so no reader uses it.</summary>
    MisplacedFile,

    /// <summary>Counts differ from what the layout promises (an Omniglot character without 20 drawings, a known set with the wrong totals).</summary>
    UnexpectedCount,

    /// <summary>The zip's SHA-256 differs from the expected one.</summary>
    ChecksumMismatch,

    /// <summary>No images at all.</summary>
    NoImages,

    /// <summary>An image of an image folder (PNG, JPEG, BMP, GIF or TGA) that does not decode: damaged, or another kind of file under an image name.</summary>
    UndecodableImage,

    /// <summary>
    /// An image-folder file named as a format that is recognised but not decoded (TIFF, WebP, HEIC/HEIF, AVIF) whose
    /// bytes are not a decoded one either: the image-folder reader refuses the folder until it is converted.
    /// </summary>
    UnsupportedImage,
}

/// <summary>One problem found by <see cref="DatasetVerifier"/>.</summary>
/// <param name="Kind">The kind of problem.</param>
/// <param name="Path">The file or folder concerned, relative to the dataset (empty for the dataset as a whole).</param>
/// <param name="Message">What is wrong, with the numbers involved and a hint.</param>
public sealed record DatasetProblem(DatasetProblemKind Kind, string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => Path.Length == 0 ? $"{Kind}: {Message}" : $"{Kind} '{Path}': {Message}";
}

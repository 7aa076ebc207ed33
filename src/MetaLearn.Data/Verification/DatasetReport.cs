using System.Text;

namespace MetaLearn.Data;

/// <summary>
/// What <see cref="DatasetVerifier"/> found: counts, the checksum, and every problem. The report is data, not
/// console output; <see cref="ToString"/> gives a short human summary for a command to print.
/// </summary>
public sealed record DatasetReport
{
    /// <summary>Full path of the zip or folder.</summary>
    public required string Path { get; init; }

    /// <summary>Whether it is a zip file (otherwise a folder).</summary>
    public required bool IsZip { get; init; }

    /// <summary>The layout it was checked against (resolved when <see cref="DatasetLayout.Auto"/> was asked).</summary>
    public required DatasetLayout Layout { get; init; }

    /// <summary>Omniglot alphabets (0 for an image folder).</summary>
    public int Alphabets { get; init; }

    /// <summary>Classes: Omniglot characters, or image-folder class folders that hold images.</summary>
    public int Classes { get; init; }

    /// <summary>Images in classes: Omniglot's PNG drawings, or an image folder's images of every supported format.</summary>
    public int Images { get; init; }

    /// <summary>Fewest images in a class (0 when there are no classes).</summary>
    public int MinImagesPerClass { get; init; }

    /// <summary>Most images in a class.</summary>
    public int MaxImagesPerClass { get; init; }

    /// <summary>Files the reader skips: files that are not images (notes.txt, Thumbs.db) and, in an image folder, hidden files and folders (.DS_Store, "._x.png", .git).</summary>
    public int IgnoredFiles { get; init; }

    /// <summary>How many images were decoded (see <see cref="DatasetVerifyOptions.DecodeCount"/>).</summary>
    public int Decoded { get; init; }

    /// <summary>The zip's SHA-256 check, or null for a folder or when not computed.</summary>
    public ChecksumCheck? Checksum { get; init; }

    /// <summary>The problems found, at most <see cref="DatasetVerifyOptions.MaxProblems"/>.</summary>
    public IReadOnlyList<DatasetProblem> Problems { get; init; } = [];

    /// <summary>Problems found beyond those listed.</summary>
    public int ProblemsOmitted { get; init; }

    /// <summary>True when no problem was found (a checksum mismatch is a problem; no reference is not).</summary>
    public bool IsValid => Problems.Count == 0 && ProblemsOmitted == 0;

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(IsZip ? "zip " : "folder ").Append(Path).Append(" (").Append(Layout).Append("): ");
        if (Layout == DatasetLayout.Omniglot)
        {
            sb.Append(Alphabets).Append(" alphabets, ").Append(Classes).Append(" characters, ").Append(Images).Append(" drawings");
        }
        else
        {
            sb.Append(Classes).Append(" classes, ").Append(Images).Append(" images");
        }
        sb.Append(", ").Append(Decoded).Append(" decoded");
        if (Checksum is not null)
        {
            sb.Append(", sha256 ").Append(Checksum.Actual).Append(' ').Append(Checksum.Status);
        }
        sb.Append(IsValid ? ", OK" : $", {Problems.Count + ProblemsOmitted} problem(s)");
        foreach (DatasetProblem p in Problems)
        {
            sb.Append('\n').Append("  ").Append(p);
        }
        if (ProblemsOmitted > 0)
        {
            sb.Append('\n').Append("  ... and ").Append(ProblemsOmitted).Append(" more");
        }
        return sb.ToString();
    }
}

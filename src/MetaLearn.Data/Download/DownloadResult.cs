namespace MetaLearn.Data;

/// <summary>The outcome of a <see cref="DatasetDownloader"/> call.</summary>
/// <param name="Path">Full path of the file on disk.</param>
/// <param name="Source">Where it came from (or would have come from, when already present).</param>
/// <param name="Bytes">Size of the file.</param>
/// <param name="Checksum">Its SHA-256 and how it compares with the expected one (<see cref="ChecksumStatus.NoReference"/> when verification was turned off or no checksum is known).</param>
/// <param name="Downloaded">False when a file with the expected checksum was already there and was kept.</param>
public sealed record DownloadResult(string Path, Uri Source, long Bytes, ChecksumCheck Checksum, bool Downloaded);

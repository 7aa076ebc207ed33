using System.IO.Compression;

namespace MetaLearn.Data;

/// <summary>
/// A read-only collection of files addressed by '/'-separated relative paths: a zip archive or a folder on disk.
/// Datasets index it first and read only the files they need.
/// </summary>
internal abstract class ImageArchive : IDisposable
{
    /// <summary>The zip file or folder path, for messages.</summary>
    public abstract string Location { get; }

    /// <summary>Every file, as relative paths with '/' separators, in ordinal order.</summary>
    public abstract IReadOnlyList<string> Files { get; }

    /// <summary>The bytes of one file listed in <see cref="Files"/>. Safe to call from several threads.</summary>
    public abstract byte[] Read(string relativePath);

    /// <inheritdoc/>
    public virtual void Dispose()
    {
    }

    /// <summary>Opens a zip file or a folder; a missing path is a clear error naming it and <paramref name="hint"/>.</summary>
    public static ImageArchive Open(string path, string hint)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return new FolderArchive(path);
        }
        if (File.Exists(path))
        {
            return new ZipArchiveSource(path);
        }
        throw new FileNotFoundException($"No zip file or folder at '{Path.GetFullPath(path)}'. {hint}", path);
    }

    private sealed class FolderArchive : ImageArchive
    {
        private readonly string _root;

        public FolderArchive(string root)
        {
            _root = Path.GetFullPath(root);
            Files = [.. Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(_root, f).Replace(Path.DirectorySeparatorChar, '/'))
                .Order(StringComparer.Ordinal)];
        }

        public override string Location => _root;

        public override IReadOnlyList<string> Files { get; }

        public override byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(_root, relativePath));
    }

    private sealed class ZipArchiveSource : ImageArchive
    {
        private readonly ZipArchive _zip;
        private readonly Dictionary<string, ZipArchiveEntry> _entries = new(StringComparer.Ordinal);
        private readonly Lock _gate = new();

        public ZipArchiveSource(string path)
        {
            Location = Path.GetFullPath(path);
            var stream = File.OpenRead(path);
            try
            {
                _zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
                foreach (ZipArchiveEntry e in _zip.Entries)
                {
                    // Directory entries end in '/'; macOS resource forks are not images.
                    if (!e.FullName.EndsWith('/') && !e.FullName.StartsWith("__MACOSX/", StringComparison.Ordinal))
                    {
                        _entries[e.FullName.Replace('\\', '/')] = e;
                    }
                }
            }
            catch (InvalidDataException e)
            {
                stream.Dispose();
                throw new InvalidDataException(
                    $"'{Location}' is not a readable zip archive ({e.Message}). It may be truncated or corrupt: download it again and compare its SHA-256 with the published checksum.", e);
            }
            Files = [.. _entries.Keys.Order(StringComparer.Ordinal)];
        }

        public override string Location { get; }

        public override IReadOnlyList<string> Files { get; }

        public override byte[] Read(string relativePath)
        {
            // ZipArchive is not thread-safe; only the raw read is serialised, decoding happens outside the lock.
            lock (_gate)
            {
                ZipArchiveEntry entry = _entries[relativePath];
                try
                {
                    using Stream s = entry.Open();
                    var bytes = new byte[entry.Length];
                    s.ReadExactly(bytes);
                    return bytes;
                }
                catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
                {
                    throw new InvalidDataException(
                        $"Entry '{relativePath}' of '{Location}' cannot be read ({e.Message}). The zip is corrupt: download it again.", e);
                }
            }
        }

        public override void Dispose() => _zip.Dispose();
    }
}

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

    /// <summary>
    /// Every folder, as relative paths with '/' separators and no trailing '/', in ordinal order: folders on disk,
    /// or a zip's explicit directory entries plus the folders its file paths imply. Verification uses it to find
    /// empty class folders, which <see cref="Files"/> alone cannot show.
    /// </summary>
    public abstract IReadOnlyList<string> Folders { get; }

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
        private string[]? _folders;

        public FolderArchive(string root)
        {
            _root = Path.GetFullPath(root);
            Files = [.. Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(_root, f).Replace(Path.DirectorySeparatorChar, '/'))
                .Order(StringComparer.Ordinal)];
        }

        public override string Location => _root;

        public override IReadOnlyList<string> Files { get; }

        public override IReadOnlyList<string> Folders => _folders ??= [.. Directory.EnumerateDirectories(_root, "*", SearchOption.AllDirectories)
            .Select(d => Path.GetRelativePath(_root, d).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];

        public override byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(_root, relativePath));
    }

    private sealed class ZipArchiveSource : ImageArchive
    {
        private readonly ZipArchive _zip;
        private readonly Dictionary<string, ZipArchiveEntry> _entries = new(StringComparer.Ordinal);
        private readonly Lock _gate = new();
        private readonly SortedSet<string> _folders = new(StringComparer.Ordinal);

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
                    string name = e.FullName.Replace('\\', '/');
                    if (name.StartsWith("__MACOSX/", StringComparison.Ordinal))
                    {
                        continue;
                    }
                    if (name.EndsWith('/'))
                    {
                        AddFolders(name.TrimEnd('/'));
                    }
                    else
                    {
                        _entries[name] = e;
                        int slash = name.LastIndexOf('/');
                        if (slash > 0)
                        {
                            AddFolders(name[..slash]);
                        }
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

        public override IReadOnlyList<string> Folders => [.. _folders];

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

        /// <summary>Adds a folder and all its parents (the official full zips list no directory entries).</summary>
        private void AddFolders(string folder)
        {
            while (folder.Length > 0 && _folders.Add(folder))
            {
                int slash = folder.LastIndexOf('/');
                folder = slash > 0 ? folder[..slash] : "";
            }
        }
    }
}

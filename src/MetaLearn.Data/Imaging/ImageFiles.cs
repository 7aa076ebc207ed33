using System.IO.Enumeration;

namespace MetaLearn.Data;

/// <summary>
/// Which files in a folder are images, one rule for <see cref="ImageFolderDataset"/> and for user paths (such as
/// the CLI's query images): a file whose extension is one of <see cref="Extensions"/> in any letter case, not
/// hidden, and not inside a hidden folder. Hidden means the name starts with '.' (.DS_Store, macOS "._x.png"
/// resource files, .git, .thumbnails). Other files (notes.txt, Thumbs.db) are skipped. Results are in ordinal
/// order of their paths.
/// </summary>
/// <remarks>
/// A file named as TIFF, WebP, HEIC/HEIF or AVIF is an error rather than skipped, since skipping a user's images
/// silently is worse than asking them to convert: it is decoded by its bytes, kept when it really is a supported
/// format, and otherwise refused with an <see cref="ImageFormatException"/> that names the format. Only the
/// extension is looked at for the other files; whether an image decodes is found when it is read.
/// </remarks>
public static class ImageFiles
{
    /// <summary>The extensions read from folders, lower-case with the dot; matched in any letter case.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga"];

    /// <summary>The extensions as listed in messages: ".png, .jpg, .jpeg, .bmp, .gif, .tga".</summary>
    internal static string ExtensionList => string.Join(", ", Extensions);

    /// <summary>Whether <paramref name="path"/> ends in one of <see cref="Extensions"/>, in any letter case.</summary>
    public static bool HasImageExtension(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string extension = Path.GetExtension(path);
        return Extensions.Any(e => e.Equals(extension, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether the last part of <paramref name="path"/> (a file or folder name) starts with '.'.</summary>
    public static bool IsHidden(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Path.GetFileName(Path.TrimEndingDirectorySeparator(path)).StartsWith('.');
    }

    /// <summary>
    /// Expands user paths into image files, in order: a file is kept as given (whatever its name: its bytes decide
    /// later whether it is an image); a folder becomes its images and those of its sub-folders, by the rule above,
    /// in ordinal order. Paths are returned as spelled (relative stays relative); nothing is de-duplicated.
    /// </summary>
    /// <exception cref="ArgumentException">No paths, or an empty one.</exception>
    /// <exception cref="FileNotFoundException">A path is neither a file nor a folder.</exception>
    /// <exception cref="InvalidDataException">A folder holds no images.</exception>
    /// <exception cref="ImageFormatException">A folder holds a TIFF, WebP, HEIC or AVIF image.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var result = new List<string>();
        int given = 0;
        foreach (string path in paths)
        {
            given++;
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new ArgumentException($"Image paths: path {given} is empty. Give image files or folders of images.", nameof(paths));
            }
            if (File.Exists(path))
            {
                result.Add(path);
            }
            else if (Directory.Exists(path))
            {
                IReadOnlyList<string> images = InFolder(path);
                if (images.Count == 0)
                {
                    throw new InvalidDataException(
                        $"Folder '{Path.GetFullPath(path)}' contains no images. Images are files ending in {ExtensionList} (any letter case), in the folder or its sub-folders; hidden files and folders (name starting with '.') are skipped.");
                }
                result.AddRange(images);
            }
            else
            {
                throw new FileNotFoundException($"'{Path.GetFullPath(path)}' is neither an image file nor a folder. Check the path.", path);
            }
        }
        if (given == 0)
        {
            throw new ArgumentException("Image paths: none given. Give image files or folders of images.", nameof(paths));
        }
        return result;
    }

    /// <summary>
    /// The images in <paramref name="folder"/> and its sub-folders by the rule above, in ordinal order, spelled
    /// from <paramref name="folder"/> as given; empty when there are none.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ImageFormatException">The folder holds a TIFF, WebP, HEIC or AVIF image.</exception>
    public static IReadOnlyList<string> InFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Folder '{Path.GetFullPath(folder)}' does not exist. Check the path.");
        }
        // No attributes skipped: hidden is decided by name alone, the same on every operating system.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        var files = new FileSystemEnumerable<string>(folder, (ref FileSystemEntry e) => e.ToSpecifiedFullPath(), options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory && !e.FileName.StartsWith('.'),
            ShouldRecursePredicate = (ref FileSystemEntry e) => !e.FileName.StartsWith('.'),
        };
        var images = new List<string>();
        foreach (string file in files)
        {
            if (HasImageExtension(file))
            {
                images.Add(file);
            }
            else if (ImageFormatExtensions.FromExtension(file) != ImageFormat.Unknown)
            {
                // Named as a format that is not decoded: keep it only if its bytes are one that is.
                ImageDecoder.DecodeFile(file);
                images.Add(file);
            }
        }
        images.Sort(StringComparer.Ordinal);
        return images;
    }
}

namespace MetaLearn.Data;

/// <summary>
/// A user's own images: one sub-folder per class under a root folder, images inside (sub-folders of a class
/// folder are searched too). Classes are the folder names in ordinal order; files are in ordinal order. Files
/// are indexed when opened and decoded when read (wrap in <see cref="CachedDataset"/> to decode once).
/// </summary>
/// <remarks>
/// Images are PNG, JPEG, BMP, GIF (first frame) and TGA, chosen by extension in any letter case and decoded by
/// their bytes (<see cref="ImageDecoder"/>); hidden files and folders (name starting with '.') and other files
/// are skipped, and a TIFF, WebP, HEIC or AVIF file is an error asking for PNG (the rule of
/// <see cref="ImageFiles"/>). A file that does not decode is an <see cref="ImageFormatException"/> naming it,
/// when it is read. Samples are float32 [channels, size, size] in [0, 1] with the stored polarity (0 = black);
/// grayscale uses BT.601 luma, RGB keeps three planes, alpha is composited over white. With no
/// <c>imageSize</c> every image must have the size of the first; with one, each image is area-resized to
/// imageSize x imageSize.
/// </remarks>
public sealed class ImageFolderDataset : ILabeledDataset
{
    /// <summary>
    /// Image extensions other than PNG. Only <see cref="DatasetVerifier"/> uses this list now (it still checks
    /// folders for the PNG-only reader this class was); the reader itself follows <see cref="ImageFiles"/>.
    /// </summary>
    internal static readonly string[] OtherImageTypes = [".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"];

    private readonly string[] _classNames;
    private readonly string[][] _files;
    private readonly int[] _shape;
    private readonly bool _resize;

    private ImageFolderDataset(string root, string[] classNames, string[][] files, int channels, int height, int width, bool resize)
    {
        Root = root;
        _classNames = classNames;
        _files = files;
        _shape = [channels, height, width];
        _resize = resize;
    }

    /// <summary>
    /// Indexes <paramref name="root"/>. <paramref name="grayscale"/> gives one channel, otherwise three (RGB).
    /// <paramref name="imageSize"/>, when given, resizes every image to that square size; without it the first
    /// image is decoded to learn the size.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The root folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No class sub-folders, or a class folder without images.</exception>
    /// <exception cref="ImageFormatException">A TIFF, WebP, HEIC or AVIF file, or (without imageSize) a first image that does not decode.</exception>
    public static ImageFolderDataset Open(string root, bool grayscale = true, int? imageSize = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException(
                $"Image folder '{Path.GetFullPath(root)}' does not exist. Give a folder with one sub-folder of images per class, e.g. root/cat/1.png, root/dog/1.jpg.");
        }
        if (imageSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"Image folder: imageSize must be positive, got {imageSize}.");
        }
        string full = Path.GetFullPath(root);
        string[] classDirs = [.. Directory.GetDirectories(full).Where(d => !ImageFiles.IsHidden(d)).Order(StringComparer.Ordinal)];
        if (classDirs.Length == 0)
        {
            throw new InvalidDataException($"Image folder '{full}' has no sub-folders. Put each class's images in its own sub-folder, e.g. {Path.Combine(full, "cat", "1.png")}.");
        }
        var files = new string[classDirs.Length][];
        for (int c = 0; c < classDirs.Length; c++)
        {
            files[c] = [.. ImageFiles.InFolder(classDirs[c])];
            if (files[c].Length == 0)
            {
                throw new InvalidDataException(
                    $"Image folder: class folder '{classDirs[c]}' has no images (files ending in {ImageFiles.ExtensionList}, any letter case; hidden ones are skipped). Add images or remove the folder.");
            }
        }
        int channels = grayscale ? 1 : 3;
        if (imageSize is int size)
        {
            return new ImageFolderDataset(full, [.. classDirs.Select(Path.GetFileName)!], files, channels, size, size, resize: true);
        }
        DecodedImage first = ImageDecoder.DecodeFile(files[0][0]);
        return new ImageFolderDataset(full, [.. classDirs.Select(Path.GetFileName)!], files, channels, first.Height, first.Width, resize: false);
    }

    /// <summary>The root folder.</summary>
    public string Root { get; }

    /// <inheritdoc/>
    public string Name => Root;

    /// <inheritdoc/>
    public int ClassCount => _classNames.Length;

    /// <inheritdoc/>
    public IReadOnlyList<int> SampleShape => _shape;

    /// <summary>Path of sample <paramref name="sampleIndex"/> of class <paramref name="classIndex"/>.</summary>
    public string FilePath(int classIndex, int sampleIndex) => _files[classIndex][sampleIndex];

    /// <inheritdoc/>
    public string ClassName(int classIndex) => _classNames[classIndex];

    /// <inheritdoc/>
    public int SampleCount(int classIndex) => _files[classIndex].Length;

    /// <inheritdoc/>
    public void ReadSample(int classIndex, int sampleIndex, Span<float> destination)
    {
        this.CheckIndex(classIndex, sampleIndex);
        string path = _files[classIndex][sampleIndex];
        DecodedImage image = ImageDecoder.DecodeFile(path);
        int channels = _shape[0], height = _shape[1], width = _shape[2];
        float[] planes = channels == 1 ? image.ToGray() : image.ToRgbPlanes();
        if (_resize)
        {
            ImageResize.Area(planes, channels, image.Height, image.Width, destination, height, width);
            return;
        }
        if (image.Width != width || image.Height != height)
        {
            throw new InvalidDataException(
                $"Image folder: '{path}' is {image.Width}x{image.Height} but the first image is {width}x{height}. Open the folder with an imageSize to resize every image.");
        }
        planes.CopyTo(destination);
    }
}

using System.Buffers;

namespace MetaLearn.Data;

/// <summary>
/// Omniglot (Lake, Salakhutdinov and Tenenbaum 2015) read straight from the official zips or extracted folders.
/// Each character is a class; its drawings are its samples. Opening only indexes the files; a drawing is
/// decoded when read (wrap in <see cref="CachedDataset"/> to decode each once).
/// </summary>
/// <remarks>
/// Samples are float32 [1, ImageSize, ImageSize] with <b>ink = 1, background = 0</b> (the PNGs store white paper
/// as 1 and black ink as 0; the polarity is flipped so zero-padding and pooling see empty paper as zero, as in
/// the MAML and ProtoNets pipelines). The default size 28 is the 105x105 original shrunk by area averaging, so
/// a pixel is the fraction of its 3.75x3.75 source area covered by ink. ImageSize 105 keeps the original pixels.
/// Classes are ordered by the order the paths were given, then alphabet, then character (ordinal).
/// </remarks>
public sealed class OmniglotDataset : ILabeledDataset, IDisposable
{
    /// <summary>Side of the original drawings.</summary>
    public const int OriginalSize = 105;

    private readonly List<(ImageArchive Archive, OmniglotCharacter Character)> _classes = [];
    private readonly ImageArchive[] _archives;
    private readonly int[] _shape;

    private OmniglotDataset(ImageArchive[] archives, int imageSize)
    {
        _archives = archives;
        ImageSize = imageSize;
        _shape = [1, imageSize, imageSize];
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ImageArchive archive in archives)
        {
            foreach (OmniglotCharacter character in OmniglotIndex.Build(archive))
            {
                if (!seen.TryAdd(character.Key, archive.Location))
                {
                    throw new ArgumentException(
                        $"Omniglot: character '{character.Key}' is in both '{seen[character.Key]}' and '{archive.Location}'. " +
                        "Open sets that do not overlap (the small1/small2 subsets share Greek and Latin).");
                }
                _classes.Add((archive, character));
            }
        }
        Name = string.Join(" + ", archives.Select(a => Path.GetFileName(a.Location)));
    }

    /// <summary>
    /// Opens one or more Omniglot zips or extracted folders (e.g. background and evaluation together for the
    /// Vinyals split). A folder may be the set folder itself or any folder above the alphabets.
    /// </summary>
    /// <param name="imageSize">Output side in pixels: 28 (default, area-averaged) or anything from 1 to 105.</param>
    /// <param name="paths">Zip files or folders.</param>
    public static OmniglotDataset Open(int imageSize, params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (imageSize is < 1 or > OriginalSize)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"Omniglot: imageSize must be 1..{OriginalSize}, got {imageSize}; 28 is the usual choice.");
        }
        if (paths.Length == 0)
        {
            throw new ArgumentException("Omniglot: give at least one zip or folder, e.g. images_background.zip.");
        }
        var archives = new List<ImageArchive>();
        try
        {
            foreach (string path in paths)
            {
                archives.Add(ImageArchive.Open(path, $"Give the path of an Omniglot zip (e.g. images_background.zip) or its extracted folder; the zips are at {OmniglotSets.DownloadUrl}."));
            }
            return new OmniglotDataset([.. archives], imageSize);
        }
        catch
        {
            archives.ForEach(a => a.Dispose());
            throw;
        }
    }

    /// <summary>Opens one or more paths at the usual 28x28.</summary>
    public static OmniglotDataset Open(params string[] paths) => Open(28, paths);

    /// <summary>Opens the named sets under <paramref name="root"/> (zip preferred, else extracted folder); see <see cref="OmniglotSets.Locate"/>.</summary>
    public static OmniglotDataset Open(string root, int imageSize, params OmniglotSet[] sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        return Open(imageSize, [.. sets.Select(s => OmniglotSets.Locate(root, s))]);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Side of the square output images.</summary>
    public int ImageSize { get; }

    /// <inheritdoc/>
    public int ClassCount => _classes.Count;

    /// <inheritdoc/>
    public IReadOnlyList<int> SampleShape => _shape;

    /// <summary>The character behind class <paramref name="classIndex"/>.</summary>
    public OmniglotCharacter Character(int classIndex) => _classes[classIndex].Character;

    /// <summary>Distinct alphabet names in class order.</summary>
    public IReadOnlyList<string> Alphabets => [.. _classes.Select(c => c.Character.Alphabet).Distinct()];

    /// <inheritdoc/>
    public string ClassName(int classIndex) => _classes[classIndex].Character.Key;

    /// <inheritdoc/>
    public int SampleCount(int classIndex) => _classes[classIndex].Character.Drawings.Count;

    /// <summary>Decodes a drawing at full resolution as stored: 1 = white paper, 0 = ink (for checks against the files).</summary>
    public PngImage DecodeOriginal(int classIndex, int sampleIndex)
    {
        this.CheckIndex(classIndex, sampleIndex);
        var (archive, character) = _classes[classIndex];
        string path = character.Drawings[sampleIndex];
        return PngDecoder.Decode(archive.Read(path), $"{archive.Location}:{path}");
    }

    /// <inheritdoc/>
    public void ReadSample(int classIndex, int sampleIndex, Span<float> destination)
    {
        if (destination.Length != ImageSize * ImageSize)
        {
            throw new ArgumentException($"Omniglot: destination has {destination.Length} floats; a [1, {ImageSize}, {ImageSize}] sample needs {ImageSize * ImageSize}.");
        }
        PngImage png = DecodeOriginal(classIndex, sampleIndex);
        if (png.Width == ImageSize && png.Height == ImageSize)
        {
            png.WriteGray(destination, inverted: true);
            return;
        }
        // The full-size ink plane is scratch for the resize: rent it rather than allocate 44 KB per drawing.
        float[] ink = ArrayPool<float>.Shared.Rent(png.Width * png.Height);
        try
        {
            png.WriteGray(ink, inverted: true);
            ImageResize.Area(ink.AsSpan(0, png.Width * png.Height), 1, png.Height, png.Width, destination, ImageSize, ImageSize);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(ink);
        }
    }

    /// <summary>Closes the zip files.</summary>
    public void Dispose()
    {
        foreach (ImageArchive a in _archives)
        {
            a.Dispose();
        }
    }
}

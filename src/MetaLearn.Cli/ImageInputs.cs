using MetaLearn.Cli.Registry;
using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Cli;

/// <summary>
/// A person's image files as model inputs, the way the training data was made: gray, area-resized to the model's size,
/// ink = 1 on a background of 0 with the polarity decided per image (<see cref="InkImage"/>). One place for classify,
/// embed, reconstruct and sample.
/// </summary>
internal sealed class ImageInputs(TaskShape shape, TextWriter? log = null)
{
    private bool _toldResize;

    /// <summary>The side of the square gray images the model takes.</summary>
    public int Size { get; } = shape.InputShape is [1, int h, int w] && h == w
        ? h
        : throw new UsageException($"this checkpoint's inputs are [{string.Join(", ", shape.InputShape)}], not square gray images; it cannot read image files.");

    /// <summary>The image at <paramref name="path"/> as <c>Size x Size</c> ink values; notes once on the log when images are resized.</summary>
    public float[] Read(string path)
    {
        DecodedImage image;
        try
        {
            image = ImageDecoder.DecodeFile(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read image '{path}': {e.Message}");
        }
        if ((image.Width != Size || image.Height != Size) && !_toldResize && log is not null)
        {
            log.WriteLine($"note: images are resized to {Size}x{Size}, the model's input size ('{path}' is {image.Width}x{image.Height}).");
            _toldResize = true;
        }
        return InkImage.FromImage(image, Size);
    }

    /// <summary>The images as one tensor <c>[N, 1, Size, Size]</c>.</summary>
    public Tensor Stack(IReadOnlyList<float[]> images)
    {
        int pixels = Size * Size;
        var all = new float[images.Count * pixels];
        for (int i = 0; i < images.Count; i++)
        {
            images[i].CopyTo(all, i * pixels);
        }
        return Tensor.FromArray(all, images.Count, 1, Size, Size);
    }

    /// <summary>The image files of <paramref name="paths"/> (files, or folders searched recursively; <see cref="ImageFiles"/>'s rule).</summary>
    public static string[] Expand(string flag, IEnumerable<string> paths)
    {
        try
        {
            return [.. ImageFiles.Expand(paths)];
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
        {
            throw new UsageException($"{flag}: {e.Message}");
        }
    }
}

using System.Buffers;

namespace MetaLearn.Data;

/// <summary>
/// Any image file to the format Omniglot models are trained on: one gray plane, ink = 1 on background 0, area-
/// resized to a square (28 x 28 by default). The steps: decode (<see cref="ImageDecoder"/>), gray (BT.601 luma,
/// alpha over white), decide the background (<see cref="InkPolarity"/>), invert if it is light, area resize
/// (<see cref="ImageResize.Area(ReadOnlySpan{float}, int, int, int, int, int)"/>). Black-and-white drawings are snapped to
/// exactly two levels before the resize (<see cref="SnapTwoLevel"/>), so a JPEG's compression noise does not reach the model.
/// </summary>
/// <remarks>
/// The polarity is decided on the full-size gray image and applied before the resize, where OmniglotDataset
/// applies it too: area resizing is linear, so the order changes nothing in exact arithmetic, and this way the
/// inversion is computed once from the integer samples. A drawing and its negative (255 - v) then give
/// bit-identical ink, and an Omniglot drawing gives exactly the sample <see cref="OmniglotDataset"/> reads.
/// Non-square images are stretched to the square, not padded.
/// </remarks>
public static class InkImage
{
    /// <summary>The side of Omniglot samples as the models here are trained: 28.</summary>
    public const int DefaultSize = 28;

    /// <summary>Decodes <paramref name="path"/> and returns its ink, <paramref name="size"/> x <paramref name="size"/>, row-major.</summary>
    /// <exception cref="FileNotFoundException">Nothing, or a folder, is at <paramref name="path"/>.</exception>
    /// <exception cref="ImageFormatException">The file is not a supported image.</exception>
    public static float[] FromFile(string path, int size = DefaultSize) => FromImage(ImageDecoder.DecodeFile(path), size);

    /// <summary>The ink of a decoded image, <paramref name="size"/> x <paramref name="size"/>, row-major.</summary>
    public static float[] FromImage(DecodedImage image, int size = DefaultSize)
    {
        CheckSize(size);
        var ink = new float[size * size];
        FromImage(image, ink, size);
        return ink;
    }

    /// <summary>Writes the ink of <paramref name="image"/> into <paramref name="destination"/> (<paramref name="size"/>^2 floats) and returns the background found.</summary>
    public static ImageBackground FromImage(DecodedImage image, Span<float> destination, int size = DefaultSize)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckSize(size);
        if (destination.Length != size * size)
        {
            throw new ArgumentException($"InkImage: the destination has {destination.Length} floats; a {size}x{size} ink image needs {size * size}.", nameof(destination));
        }
        int pixels = image.Width * image.Height;
        float[] plane = ArrayPool<float>.Shared.Rent(pixels);
        try
        {
            Span<float> gray = plane.AsSpan(0, pixels);
            image.WriteGray(gray, inverted: false);
            ImageBackground background = InkPolarity.DetectBackground(gray, image.Height, image.Width);
            if (background == ImageBackground.Light)
            {
                // Inverted from the samples, rounded once: exactly the gray of the negative image.
                image.WriteGray(gray, inverted: true);
            }
            SnapTwoLevel(gray);
            if (image.Width == size && image.Height == size)
            {
                gray.CopyTo(destination);
            }
            else
            {
                ImageResize.Area(gray, 1, image.Height, image.Width, destination, size, size);
            }
            return background;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(plane);
        }
    }

    /// <summary>
    /// The largest share of pixels between a quarter and three quarters of full ink for which an image still counts as
    /// a two-level drawing: 1%. Omniglot's drawings have none; saved as JPEG at quality 50 they have at most 0.16% (40
    /// drawings measured), while an anti-aliased drawing has about 12%.
    /// </summary>
    public const double TwoLevelMidTones = 0.01;

    /// <summary>
    /// Snaps a two-level drawing (at most <see cref="TwoLevelMidTones"/> of its pixels in [0.25, 0.75]) to exactly 0 and 1
    /// at 0.5, in place, and returns whether it did. A drawing saved as JPEG carries compression noise around its strokes;
    /// snapping removes it, so the JPEG of a black-and-white drawing gives the same ink as its PNG (Omniglot's drawings,
    /// the training data, are black and white). Images with real gray levels are left as they are.
    /// </summary>
    public static bool SnapTwoLevel(Span<float> gray)
    {
        int midTones = 0;
        foreach (float v in gray)
        {
            if (v is > 0.25f and < 0.75f)
            {
                midTones++;
            }
        }
        if (midTones > TwoLevelMidTones * gray.Length)
        {
            return false;
        }
        foreach (ref float v in gray)
        {
            v = v >= 0.5f ? 1f : 0f;
        }
        return true;
    }

    private static void CheckSize(int size)
    {
        if (size < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"InkImage: size must be at least 1, got {size}.");
        }
    }
}

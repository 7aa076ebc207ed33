namespace MetaLearn.Data;

/// <summary>
/// Turns a gray image (1 = white) into ink (1 = ink, 0 = background), the polarity Omniglot models are trained
/// on, deciding per image whether the background is light or dark.
/// </summary>
/// <remarks>
/// <para>
/// The rule: the background is the median of the border pixels (the first and last row and column). A median of
/// at least 0.5 is a light background, and ink = 1 - gray; below 0.5 it is dark, and ink = gray. Drawings are
/// mostly background at their edges, so the median ignores strokes that touch the border as long as they cover
/// less than half of it.
/// </para>
/// <para>
/// Limits: a drawing whose strokes cover half of the border or more, a frame drawn around it, or a photo with
/// a dark vignette or shadow along the edges is judged by that instead of the paper; a mid-gray background (near
/// 0.5) can go either way; coloured paper counts by its luma. Transparent pixels were already composited over
/// white by the decoder, so white strokes on a transparent background vanish. NaN border values sort below every
/// number. When the rule is wrong for a collection, invert the ink yourself: the decision is only a default.
/// </para>
/// </remarks>
public static class InkPolarity
{
    /// <summary>The border-median decision for a gray image of <paramref name="height"/> x <paramref name="width"/> in [0, 1].</summary>
    public static ImageBackground DetectBackground(ReadOnlySpan<float> gray, int height, int width)
    {
        Check(gray.Length, height, width, nameof(gray));
        int count = height <= 2 || width <= 2 ? height * width : (2 * width) + (2 * (height - 2));
        var border = new float[count];
        if (count == height * width)
        {
            gray.CopyTo(border);
        }
        else
        {
            gray[..width].CopyTo(border);
            gray.Slice((height - 1) * width, width).CopyTo(border.AsSpan(width));
            int at = 2 * width;
            for (int y = 1; y < height - 1; y++)
            {
                border[at++] = gray[y * width];
                border[at++] = gray[(y * width) + width - 1];
            }
        }
        Array.Sort(border);
        float median = count % 2 == 1 ? border[count / 2] : (border[(count / 2) - 1] + border[count / 2]) / 2;
        return median >= 0.5f ? ImageBackground.Light : ImageBackground.Dark;
    }

    /// <summary>
    /// Writes ink (1 - gray on a light background, gray on a dark one) into <paramref name="ink"/>, which may be
    /// <paramref name="gray"/> itself. Returns the background found.
    /// </summary>
    /// <remarks>
    /// 1 - g of a float g is rounded again, so the ink of a drawing can differ from that of its negative in the
    /// last bit (at most 2^-24). <see cref="InkImage"/> inverts the decoded samples instead and is exact.
    /// </remarks>
    public static ImageBackground ToInk(ReadOnlySpan<float> gray, int height, int width, Span<float> ink)
    {
        ImageBackground background = DetectBackground(gray, height, width);
        Check(ink.Length, height, width, nameof(ink));
        if (background == ImageBackground.Light)
        {
            for (int i = 0; i < gray.Length; i++)
            {
                ink[i] = 1f - gray[i];
            }
        }
        else
        {
            gray.CopyTo(ink);
        }
        return background;
    }

    /// <summary>Allocating form of <see cref="ToInk(ReadOnlySpan{float}, int, int, Span{float})"/>.</summary>
    public static float[] ToInk(ReadOnlySpan<float> gray, int height, int width)
    {
        var ink = new float[gray.Length];
        ToInk(gray, height, width, ink);
        return ink;
    }

    private static void Check(int length, int height, int width, string name)
    {
        if (height < 1 || width < 1 || length != (long)height * width)
        {
            throw new ArgumentException(
                $"InkPolarity: '{name}' has {length} floats, but a {height}x{width} image needs {(long)Math.Max(height, 0) * Math.Max(width, 0)}; pass the image's own height and width (both at least 1).",
                name);
        }
    }
}

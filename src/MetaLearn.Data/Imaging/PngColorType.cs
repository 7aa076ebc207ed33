namespace MetaLearn.Data;

/// <summary>The colour type field of a PNG header (PNG specification, section 11.2.2).</summary>
public enum PngColorType
{
    /// <summary>Grayscale, bit depth 1, 2, 4, 8 or 16.</summary>
    Gray = 0,

    /// <summary>Red, green, blue; bit depth 8 or 16.</summary>
    Rgb = 2,

    /// <summary>Indices into a PLTE palette; bit depth 1, 2, 4 or 8.</summary>
    Palette = 3,

    /// <summary>Grayscale with alpha; bit depth 8 or 16.</summary>
    GrayAlpha = 4,

    /// <summary>Red, green, blue, alpha; bit depth 8 or 16.</summary>
    Rgba = 6,
}

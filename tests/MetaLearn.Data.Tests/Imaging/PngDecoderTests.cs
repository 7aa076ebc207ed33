using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Data.Tests.Imaging;

public class PngDecoderTests
{
    public static TheoryData<PngColorType, int> AllFormats()
    {
        var data = new TheoryData<PngColorType, int>();
        foreach (int d in new[] { 1, 2, 4, 8, 16 })
        {
            data.Add(PngColorType.Gray, d);
        }
        foreach (int d in new[] { 1, 2, 4, 8 })
        {
            data.Add(PngColorType.Palette, d);
        }
        foreach (var ct in new[] { PngColorType.Rgb, PngColorType.GrayAlpha, PngColorType.Rgba })
        {
            data.Add(ct, 8);
            data.Add(ct, 16);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void RoundTripsEveryFilterSizeAndInterlace(PngColorType colorType, int depth)
    {
        var rng = new Rng(((ulong)colorType * 100) + (ulong)depth);
        int channels = colorType switch { PngColorType.Gray or PngColorType.Palette => 1, PngColorType.GrayAlpha => 2, PngColorType.Rgb => 3, _ => 4 };
        // Odd sizes leave partial bytes at row ends and empty Adam7 passes (1x1 has only pass 1).
        foreach (var (w, h) in new[] { (13, 7), (1, 1), (3, 2), (9, 17) })
        {
            foreach (int filter in new[] { 0, 1, 2, 3, 4, -1 })
            {
                foreach (bool interlace in new[] { false, true })
                {
                    int max = (1 << depth) - 1;
                    int entries = colorType == PngColorType.Palette ? Math.Min(max + 1, 7) : 0;
                    var samples = new ushort[w * h * channels];
                    for (int i = 0; i < samples.Length; i++)
                    {
                        samples[i] = (ushort)rng.NextInt(colorType == PngColorType.Palette ? entries : max + 1);
                    }
                    byte[]? palette = null;
                    if (colorType == PngColorType.Palette)
                    {
                        palette = new byte[entries * 3];
                        for (int i = 0; i < palette.Length; i++)
                        {
                            palette[i] = (byte)rng.NextInt(256);
                        }
                    }
                    byte[] png = PngTestEncoder.Encode(w, h, colorType, depth, samples, filter, interlace, palette);
                    PngImage image = PngDecoder.Decode(png, "test.png");

                    string what = $"{colorType}/{depth} {w}x{h} filter {filter} interlace {interlace}";
                    Assert.True(image.Width == w && image.Height == h, what);
                    Assert.Equal(interlace, image.Interlaced);
                    ushort[] expected = palette is null ? samples : ExpandPalette(samples, palette);
                    Assert.True(expected.AsSpan().SequenceEqual(image.Samples), what);
                    Assert.Equal(palette is null ? depth : 8, image.BitDepth);
                }
            }
        }
    }

    [Fact]
    public void PaletteWithTransparencyBecomesRgba()
    {
        byte[] palette = [10, 20, 30, 40, 50, 60, 70, 80, 90];
        ushort[] indices = [0, 1, 2, 1];
        // Only two alpha values: entry 2 is past the end of tRNS, so it is opaque.
        byte[] png = PngTestEncoder.Encode(2, 2, PngColorType.Palette, 2, indices, palette: palette, trns: [0, 128]);
        PngImage image = PngDecoder.Decode(png);
        Assert.Equal(4, image.Channels);
        ushort[] expected = [10, 20, 30, 0, 40, 50, 60, 128, 70, 80, 90, 255, 40, 50, 60, 128];
        Assert.Equal(expected, image.Samples.ToArray());
    }

    [Fact]
    public void GrayColorKeyBecomesAlpha()
    {
        ushort[] gray = [0, 5, 5, 15];
        byte[] png = PngTestEncoder.Encode(2, 2, PngColorType.Gray, 4, gray, trns: [0, 5]);
        PngImage image = PngDecoder.Decode(png);
        Assert.Equal(2, image.Channels);
        Assert.Equal(new ushort[] { 0, 15, 5, 0, 5, 0, 15, 15 }, image.Samples.ToArray());
    }

    [Fact]
    public void RgbColorKeyBecomesAlpha()
    {
        ushort[] rgb = [1, 2, 3, 4, 5, 6];
        byte[] png = PngTestEncoder.Encode(2, 1, PngColorType.Rgb, 16, rgb, trns: [0, 4, 0, 5, 0, 6]);
        PngImage image = PngDecoder.Decode(png);
        Assert.Equal(new ushort[] { 1, 2, 3, 65535, 4, 5, 6, 0 }, image.Samples.ToArray());
    }

    [Fact]
    public void ToGrayAndToRgbPlanesNormalise()
    {
        ushort[] rgb = [255, 0, 0, 0, 0, 255];
        PngImage image = PngDecoder.Decode(PngTestEncoder.Encode(2, 1, PngColorType.Rgb, 8, rgb));
        float[] gray = image.ToGray();
        Assert.Equal(0.299f, gray[0], 5);
        Assert.Equal(0.114f, gray[1], 5);
        Assert.Equal(new float[] { 1, 0, 0, 0, 0, 1 }, image.ToRgbPlanes());

        PngImage bits = PngDecoder.Decode(PngTestEncoder.Encode(3, 1, PngColorType.Gray, 2, [0, 1, 3]));
        Assert.Equal(new float[] { 0, 1 / 3f, 1 }, bits.ToGray());
        Assert.Equal(3, bits[2, 0]);
    }

    [Fact]
    public void ToGrayAndToRgbPlanesCompositeAlphaOverWhite()
    {
        // Drawing apps export strokes on a transparent background whose hidden colour is usually black: ignoring
        // alpha would turn such a drawing into a black square.
        ushort[] grayAlpha = [0, 0, 0, 255, 0, 51, 200, 0];
        PngImage gray = PngDecoder.Decode(PngTestEncoder.Encode(4, 1, PngColorType.GrayAlpha, 8, grayAlpha));
        Assert.Equal(new float[] { 1, 0, 0.8f, 1 }, gray.ToGray());

        ushort[] rgba = [0, 0, 0, 0, 255, 0, 0, 65535, 0, 0, 65535, 13107];
        PngImage color = PngDecoder.Decode(PngTestEncoder.Encode(3, 1, PngColorType.Rgba, 16, rgba));
        float[] g = color.ToGray();
        Assert.Equal(1f, g[0]);
        Assert.Equal((float)(255 * 0.299 / 65535), g[1], 6);
        Assert.Equal((float)(0.8 + (0.2 * 0.114)), g[2], 6);
        float[] planes = color.ToRgbPlanes();
        Assert.Equal(new[] { 1f, 1f, 1f }, new[] { planes[0], planes[3], planes[6] });
        Assert.Equal(0.8f, planes[2], 6);
        Assert.Equal(1f, planes[8]);
    }

    [Fact]
    public void ToGrayInvertsExactly()
    {
        // 1 - v/255 rounded once, so a drawing and its negative give bit-identical ink (see InkPolarity).
        var all = new ushort[256];
        var negative = new ushort[256];
        for (int v = 0; v < 256; v++)
        {
            (all[v], negative[v]) = ((ushort)v, (ushort)(255 - v));
        }
        PngImage image = PngDecoder.Decode(PngTestEncoder.Encode(16, 16, PngColorType.Gray, 8, all));
        PngImage inverse = PngDecoder.Decode(PngTestEncoder.Encode(16, 16, PngColorType.Gray, 8, negative));
        var ink = new float[256];
        image.WriteGray(ink, inverted: true);
        Assert.Equal(inverse.ToGray(), ink);
    }

    [Fact]
    public void GrayStoredAsRgbConvertsExactlyAsGray()
    {
        // The BT.601 weights sum to 1 only approximately in double: without the gray shortcut one 16-bit value
        // (inverted) comes out one float step off, so a drawing saved as RGB would not give the ink it gives as gray.
        var gray = new ushort[65536];
        var rgb = new ushort[3 * 65536];
        for (int v = 0; v < gray.Length; v++)
        {
            gray[v] = rgb[3 * v] = rgb[(3 * v) + 1] = rgb[(3 * v) + 2] = (ushort)v;
        }
        PngImage g = PngDecoder.Decode(PngTestEncoder.Encode(256, 256, PngColorType.Gray, 16, gray, filter: 0));
        PngImage c = PngDecoder.Decode(PngTestEncoder.Encode(256, 256, PngColorType.Rgb, 16, rgb, filter: 0));
        Assert.Equal(g.ToGray(), c.ToGray());
        float[] inkGray = new float[65536], inkRgb = new float[65536];
        g.WriteGray(inkGray, inverted: true);
        c.WriteGray(inkRgb, inverted: true);
        Assert.Equal(inkGray, inkRgb);
    }

    private static ushort[] ExpandPalette(ushort[] indices, byte[] palette)
    {
        var result = new ushort[indices.Length * 3];
        for (int i = 0; i < indices.Length; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                result[(3 * i) + c] = palette[(3 * indices[i]) + c];
            }
        }
        return result;
    }
}

using System.Buffers.Binary;

namespace MetaLearn.Data;

/// <summary>Turns stored samples into a <see cref="PngImage"/>: palette lookup and tRNS transparency.</summary>
internal static class PngPixels
{
    public static PngImage Expand(PngHeader h, ushort[] samples, byte[]? palette, byte[]? trns, string source)
    {
        int pixels = h.Width * h.Height;
        switch (h.ColorType)
        {
            case PngColorType.Palette:
                return ExpandPalette(h, samples, palette!, trns, source);
            case PngColorType.Gray or PngColorType.Rgb when trns is not null:
                int channels = h.StoredChannels;
                if (trns.Length != 2 * channels)
                {
                    throw new PngFormatException(source, $"tRNS chunk has {trns.Length} bytes; a {h.ColorType} image needs {2 * channels}.");
                }
                var key = new ushort[channels];
                for (int c = 0; c < channels; c++)
                {
                    key[c] = BinaryPrimitives.ReadUInt16BigEndian(trns.AsSpan(2 * c));
                }
                ushort opaque = (ushort)((1 << h.BitDepth) - 1);
                var withAlpha = new ushort[pixels * (channels + 1)];
                for (int p = 0; p < pixels; p++)
                {
                    ReadOnlySpan<ushort> px = samples.AsSpan(p * channels, channels);
                    px.CopyTo(withAlpha.AsSpan(p * (channels + 1)));
                    withAlpha[(p * (channels + 1)) + channels] = px.SequenceEqual(key) ? (ushort)0 : opaque;
                }
                return new PngImage(h.Width, h.Height, channels + 1, h.BitDepth, h.ColorType, h.Interlaced, withAlpha);
            default:
                return new PngImage(h.Width, h.Height, h.StoredChannels, h.BitDepth, h.ColorType, h.Interlaced, samples);
        }
    }

    private static PngImage ExpandPalette(PngHeader h, ushort[] indices, byte[] palette, byte[]? trns, string source)
    {
        int entries = palette.Length / 3;
        if (trns is not null && trns.Length > entries)
        {
            throw new PngFormatException(source, $"tRNS chunk has {trns.Length} alpha values for a palette of {entries} entries.");
        }
        int channels = trns is null ? 3 : 4;
        var result = new ushort[indices.Length * channels];
        for (int p = 0; p < indices.Length; p++)
        {
            int index = indices[p];
            if (index >= entries)
            {
                throw new PngFormatException(source, $"pixel ({p % h.Width}, {p / h.Width}) uses palette index {index}, but the palette has {entries} entries.");
            }
            int dst = p * channels;
            result[dst] = palette[3 * index];
            result[dst + 1] = palette[(3 * index) + 1];
            result[dst + 2] = palette[(3 * index) + 2];
            if (trns is not null)
            {
                // Entries past the end of tRNS are fully opaque.
                result[dst + 3] = index < trns.Length ? trns[index] : (ushort)255;
            }
        }
        return new PngImage(h.Width, h.Height, channels, 8, PngColorType.Palette, h.Interlaced, result);
    }
}

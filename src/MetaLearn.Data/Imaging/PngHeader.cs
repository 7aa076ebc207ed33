using System.Buffers.Binary;

namespace MetaLearn.Data;

/// <summary>The IHDR fields, validated against the combinations the PNG specification allows.</summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
{
    /// <summary>Adam7 passes as (x start, y start, x step, y step); a non-interlaced image is one pass (0, 0, 1, 1).</summary>
    internal static readonly (int X, int Y, int DX, int DY)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    internal static readonly (int X, int Y, int DX, int DY)[] Progressive = [(0, 0, 1, 1)];

    /// <summary>Samples per pixel as stored: palette indices count as one.</summary>
    public int StoredChannels => ColorType switch
    {
        PngColorType.Gray or PngColorType.Palette => 1,
        PngColorType.GrayAlpha => 2,
        PngColorType.Rgb => 3,
        _ => 4,
    };

    /// <summary>Bytes per complete pixel, at least 1: the distance the Sub/Average/Paeth filters look back.</summary>
    public int FilterStride => Math.Max(1, StoredChannels * BitDepth / 8);

    public (int X, int Y, int DX, int DY)[] Passes => Interlaced ? Adam7 : Progressive;

    /// <summary>Bytes in one filtered row of <paramref name="width"/> pixels, excluding the filter-type byte.</summary>
    public long RowBytes(int width) => ((long)width * StoredChannels * BitDepth + 7) / 8;

    /// <summary>Pixels of a pass along one axis: ceil((size - start) / step), 0 when the pass is empty.</summary>
    public static int PassSize(int size, int start, int step) => size <= start ? 0 : (size - start + step - 1) / step;

    /// <summary>Total inflated IDAT bytes: every non-empty pass row plus its filter byte.</summary>
    public long RawByteCount()
    {
        long total = 0;
        foreach (var p in Passes)
        {
            int w = PassSize(Width, p.X, p.DX), h = PassSize(Height, p.Y, p.DY);
            if (w > 0 && h > 0)
            {
                total += h * (1 + RowBytes(w));
            }
        }
        return total;
    }

    public static PngHeader Parse(ReadOnlySpan<byte> data, string source)
    {
        if (data.Length != 13)
        {
            throw new PngFormatException(source, $"IHDR chunk has {data.Length} bytes; it must have 13.");
        }
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int depth = data[8], color = data[9];
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            throw new PngFormatException(source, $"image size {width}x{height} is invalid; both sides must be 1 to 2^31-1.");
        }
        bool valid = color switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (!valid)
        {
            throw new PngFormatException(source, $"colour type {color} with bit depth {depth} is not allowed by the PNG specification.");
        }
        if (data[10] != 0 || data[11] != 0)
        {
            throw new PngFormatException(source, $"compression method {data[10]} / filter method {data[11]} is unknown; PNG defines only 0.");
        }
        if (data[12] > 1)
        {
            throw new PngFormatException(source, $"interlace method {data[12]} is unknown; PNG defines 0 (none) and 1 (Adam7).");
        }
        return new PngHeader((int)width, (int)height, depth, (PngColorType)color, data[12] == 1);
    }
}

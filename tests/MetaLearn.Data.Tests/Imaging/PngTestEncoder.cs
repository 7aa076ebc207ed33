using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MetaLearn.Data;

namespace MetaLearn.Data.Tests.Imaging;

/// <summary>
/// A small, independent PNG encoder for tests: any colour type, bit depth, filter choice and Adam7, so the
/// decoder can be round-tripped over every combination. Its CRC is a bitwise loop, deliberately unlike the
/// decoder's table-driven one.
/// </summary>
internal static class PngTestEncoder
{
    /// <summary>Filter type for every row, or -1 to cycle 0,1,2,3,4 row by row.</summary>
    public static byte[] Encode(
        int width, int height, PngColorType colorType, int bitDepth, ushort[] samples,
        int filter = -1, bool interlace = false, byte[]? palette = null, byte[]? trns = null)
    {
        int channels = colorType switch { PngColorType.Gray or PngColorType.Palette => 1, PngColorType.GrayAlpha => 2, PngColorType.Rgb => 3, _ => 4 };
        var raw = new MemoryStream();
        (int X, int Y, int DX, int DY)[] passes = interlace
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)];
        int rowCounter = 0;
        foreach (var p in passes)
        {
            int w = width <= p.X ? 0 : (width - p.X + p.DX - 1) / p.DX;
            int h = height <= p.Y ? 0 : (height - p.Y + p.DY - 1) / p.DY;
            if (w == 0 || h == 0)
            {
                continue;
            }
            int rowBytes = ((w * channels * bitDepth) + 7) / 8;
            int stride = Math.Max(1, channels * bitDepth / 8);
            var prior = new byte[rowBytes];
            for (int r = 0; r < h; r++)
            {
                var row = new byte[rowBytes];
                int y = p.Y + (r * p.DY);
                for (int i = 0; i < w; i++)
                {
                    int x = p.X + (i * p.DX);
                    for (int c = 0; c < channels; c++)
                    {
                        Pack(row, (i * channels) + c, bitDepth, samples[(((y * width) + x) * channels) + c]);
                    }
                }
                int f = filter >= 0 ? filter : rowCounter++ % 5;
                raw.WriteByte((byte)f);
                raw.Write(Filter(f, row, prior, stride));
                prior = row;
            }
        }

        var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colorType;
        ihdr[12] = (byte)(interlace ? 1 : 0);
        WriteChunk(png, "IHDR", ihdr);
        if (palette is not null)
        {
            WriteChunk(png, "PLTE", palette);
        }
        if (trns is not null)
        {
            WriteChunk(png, "tRNS", trns);
        }
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(raw.ToArray());
        }
        byte[] idat = compressed.ToArray();
        // Split the data over two IDAT chunks to check they are concatenated.
        int half = idat.Length / 2;
        WriteChunk(png, "IDAT", idat[..half]);
        WriteChunk(png, "tEXt", Encoding.ASCII.GetBytes("Comment\0ancillary chunks are skipped"));
        WriteChunk(png, "IDAT", idat[half..]);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    public static void WriteChunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        s.Write(typeAndData);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, BitwiseCrc(typeAndData));
        s.Write(crc);
    }

    public static uint BitwiseCrc(byte[] data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
            {
                c = (c >> 1) ^ (0xEDB88320u & (uint)-(int)(c & 1));
            }
        }
        return ~c;
    }

    private static void Pack(byte[] row, int index, int depth, int value)
    {
        if (depth == 16)
        {
            row[2 * index] = (byte)(value >> 8);
            row[(2 * index) + 1] = (byte)value;
        }
        else if (depth == 8)
        {
            row[index] = (byte)value;
        }
        else
        {
            int perByte = 8 / depth;
            row[index / perByte] |= (byte)(value << (8 - depth - ((index % perByte) * depth)));
        }
    }

    private static byte[] Filter(int f, byte[] row, byte[] prior, int stride)
    {
        var result = new byte[row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= stride ? row[i - stride] : 0, b = prior[i], c = i >= stride ? prior[i - stride] : 0;
            int predictor = f switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                _ => PaethReference(a, b, c),
            };
            result[i] = (byte)(row[i] - predictor);
        }
        return result;
    }

    // Written from the specification's pseudo-code (section 9.4), independently of the decoder.
    private static int PaethReference(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a);
        int pb = Math.Abs(p - b);
        int pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
        {
            return a;
        }
        return pb <= pc ? b : c;
    }
}

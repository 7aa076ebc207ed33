namespace MetaLearn.Data.Tests.Imaging;

/// <summary>
/// A minimal GIF89a writer for tests (StbImageWriteSharp writes no GIF): a 256-entry gray global palette, so a
/// pixel's index is its gray value, and one image per frame. The LZW stream uses only literal codes and sends a
/// clear code before the decoder's table would grow past 9-bit codes, so the data is barely compressed but every
/// decoder must read it (GIF89a specification, section 22 and appendix F).
/// </summary>
internal static class GifTestEncoder
{
    private const int MinCodeSize = 8, Clear = 256, End = 257;

    // After a clear the decoder adds one table entry per code from the second on, starting at 258; 9-bit codes
    // last until entry 511, so 250 literals per clear keep every code 9 bits wide with room to spare.
    private const int LiteralsPerClear = 250;

    /// <summary>Frames of gray values (one byte per pixel, row-major), each <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static byte[] Encode(int width, int height, params byte[][] frames)
    {
        var o = new MemoryStream();
        o.Write("GIF89a"u8);
        WriteUInt16(o, width);
        WriteUInt16(o, height);
        o.WriteByte(0xF7); // global colour table present, 8 bits of colour resolution, 2^(7+1) = 256 entries
        o.WriteByte(0); // background colour index
        o.WriteByte(0); // no aspect ratio
        for (int i = 0; i < 256; i++)
        {
            o.WriteByte((byte)i);
            o.WriteByte((byte)i);
            o.WriteByte((byte)i);
        }
        foreach (byte[] frame in frames)
        {
            Assert.Equal(width * height, frame.Length);
            // Graphic control extension: no disposal, no transparency, 0.1 s delay.
            o.Write([0x21, 0xF9, 0x04, 0x00, 10, 0, 0, 0]);
            o.WriteByte(0x2C); // image descriptor
            WriteUInt16(o, 0);
            WriteUInt16(o, 0);
            WriteUInt16(o, width);
            WriteUInt16(o, height);
            o.WriteByte(0); // no local colour table, not interlaced
            o.WriteByte(MinCodeSize);
            WriteSubBlocks(o, Lzw(frame));
        }
        o.WriteByte(0x3B); // trailer
        return o.ToArray();
    }

    /// <summary>9-bit codes packed least-significant bit first.</summary>
    private static byte[] Lzw(byte[] indices)
    {
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        void Emit(int code)
        {
            buffer |= code << bits;
            bits += MinCodeSize + 1;
            while (bits >= 8)
            {
                bytes.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }
        for (int i = 0; i < indices.Length; i++)
        {
            if (i % LiteralsPerClear == 0)
            {
                Emit(Clear);
            }
            Emit(indices[i]);
        }
        Emit(End);
        if (bits > 0)
        {
            bytes.Add((byte)buffer);
        }
        return [.. bytes];
    }

    private static void WriteSubBlocks(Stream o, byte[] data)
    {
        for (int at = 0; at < data.Length; at += 255)
        {
            int n = Math.Min(255, data.Length - at);
            o.WriteByte((byte)n);
            o.Write(data, at, n);
        }
        o.WriteByte(0);
    }

    private static void WriteUInt16(Stream o, int value)
    {
        o.WriteByte((byte)value);
        o.WriteByte((byte)(value >> 8));
    }
}

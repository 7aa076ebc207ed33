using System.Buffers.Binary;
using System.IO.Compression;
using MetaLearn.Data;

namespace MetaLearn.Data.Tests.Imaging;

public class PngCorruptionTests
{
    private static byte[] ValidPng() => PngTestEncoder.Encode(5, 4, PngColorType.Gray, 8, [.. Enumerable.Range(0, 20).Select(i => (ushort)(i * 10))]);

    private static PngFormatException Fails(byte[] png)
    {
        var e = Assert.Throws<PngFormatException>(() => PngDecoder.Decode(png, "drawing.png"));
        Assert.Contains("drawing.png", e.Message);
        Assert.Equal("drawing.png", e.FileName);
        return e;
    }

    [Fact]
    public void WrongSignature()
    {
        byte[] png = ValidPng();
        png[1] = (byte)'X';
        Assert.Contains("signature", Fails(png).Message);
        Assert.Contains("signature", Fails([1, 2, 3]).Message);
    }

    [Fact]
    public void BadCrcNamesTheChunk()
    {
        byte[] png = ValidPng();
        // The first IDAT data byte sits after the signature (8), IHDR (25) and the IDAT length and type (8).
        png[8 + 25 + 8] ^= 0xFF;
        var e = Fails(png);
        Assert.Contains("CRC", e.Message);
        Assert.Contains("'IDAT'", e.Message);
    }

    [Fact]
    public void TruncatedFile()
    {
        byte[] png = ValidPng();
        for (int cut = 9; cut < png.Length; cut += 7)
        {
            Assert.Contains("truncated", Fails(png[..cut]).Message);
        }
    }

    [Fact]
    public void TruncatedImageDataWithValidChunks()
    {
        // A well-formed file whose zlib stream holds only half the rows the header promises.
        var raw = new byte[2 * 6];
        byte[] png = BuildGray8(5, 4, Compress(raw));
        var e = Fails(png);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("24 bytes", e.Message);
    }

    [Fact]
    public void CorruptZlibStream()
    {
        byte[] png = BuildGray8(5, 4, [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]);
        Assert.Contains("zlib", Fails(png).Message);
    }

    [Fact]
    public void BadFilterType()
    {
        var raw = new byte[4 * 6];
        raw[6 * 2] = 7;
        var e = Fails(BuildGray8(5, 4, Compress(raw)));
        Assert.Contains("filter type 7", e.Message);
        Assert.Contains("row 2", e.Message);
    }

    [Fact]
    public void InvalidHeaderCombinations()
    {
        Assert.Contains("bit depth 4", Fails(PngTestEncoder.Encode(1, 1, PngColorType.Rgb, 4, [0, 0, 0])).Message);
        Assert.Contains("PLTE", Fails(PngTestEncoder.Encode(1, 1, PngColorType.Palette, 8, [0])).Message);
        byte[] outOfPalette = PngTestEncoder.Encode(2, 1, PngColorType.Palette, 8, [0, 3], palette: [1, 2, 3]);
        Assert.Contains("palette index 3", Fails(outOfPalette).Message);
    }

    [Fact]
    public void UnknownCriticalChunkIsRejectedAncillaryIsSkipped()
    {
        byte[] png = ValidPng();
        byte[] withChunk(string type)
        {
            var s = new MemoryStream();
            s.Write(png.AsSpan(0, 8 + 25));
            PngTestEncoder.WriteChunk(s, type, [1, 2, 3]);
            s.Write(png.AsSpan(8 + 25));
            return s.ToArray();
        }
        Assert.Contains("critical chunk 'ABCD'", Fails(withChunk("ABCD")).Message);
        Assert.Equal(5, PngDecoder.Decode(withChunk("abCD")).Width);
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        var e = Assert.Throws<FileNotFoundException>(() => PngDecoder.DecodeFile("/no/such/dir/x.png"));
        Assert.Contains("/no/such/dir/x.png", e.Message);
    }

    private static byte[] Compress(byte[] raw)
    {
        var m = new MemoryStream();
        using (var z = new ZLibStream(m, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(raw);
        }
        return m.ToArray();
    }

    private static byte[] BuildGray8(int w, int h, byte[] idat)
    {
        var s = new MemoryStream();
        s.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
        ihdr[8] = 8;
        PngTestEncoder.WriteChunk(s, "IHDR", ihdr);
        PngTestEncoder.WriteChunk(s, "IDAT", idat);
        PngTestEncoder.WriteChunk(s, "IEND", []);
        return s.ToArray();
    }
}

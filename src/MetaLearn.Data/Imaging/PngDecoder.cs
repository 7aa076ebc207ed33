using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MetaLearn.Data;

/// <summary>
/// A PNG decoder written for this project (PNG specification, W3C 2003 / ISO 15948): every colour type and bit
/// depth (grayscale 1/2/4/8/16, RGB 8/16, palette 1/2/4/8 with optional tRNS, gray+alpha 8/16, RGBA 8/16),
/// all five scanline filters, and Adam7 interlacing. Every chunk CRC is checked; ancillary chunks other than
/// tRNS are skipped. IDAT data is inflated with <see cref="ZLibStream"/>.
/// </summary>
/// <remarks>Gamma, colour-profile and text chunks are ignored: samples come back exactly as stored.</remarks>
public static class PngDecoder
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Largest image accepted, in raw (filtered) bytes, so a corrupt header cannot ask for gigabytes.</summary>
    private const long MaxRawBytes = 1L << 30;

    /// <summary>Decodes a PNG file from disk.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="PngFormatException">The bytes are not a valid PNG.</exception>
    public static PngImage DecodeFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"PNG file '{Path.GetFullPath(path)}' does not exist. Check the path.", path);
        }
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes a whole PNG stream (read to its end).</summary>
    public static PngImage Decode(Stream stream, string source = "(stream)")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), source);
    }

    /// <summary>Decodes PNG bytes. <paramref name="source"/> names them in error messages.</summary>
    /// <exception cref="PngFormatException">The bytes are not a valid PNG.</exception>
    public static PngImage Decode(ReadOnlySpan<byte> png, string source = "(bytes)")
    {
        source ??= "(bytes)";
        if (png.Length < Signature.Length || !png[..Signature.Length].SequenceEqual(Signature))
        {
            throw new PngFormatException(source, $"wrong signature: the file does not start with the 8 PNG signature bytes ({png.Length} bytes in total). It is not a PNG, or its start is damaged.");
        }

        PngHeader? header = null;
        byte[]? palette = null;
        byte[]? transparency = null;
        using var idat = new MemoryStream();
        bool sawIend = false;
        int pos = Signature.Length;
        while (!sawIend)
        {
            if (pos + 8 > png.Length)
            {
                throw new PngFormatException(source, $"the file ends at byte {png.Length} before the IEND chunk: it is truncated. Re-download or re-export it.");
            }
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[pos..]);
            string type = Encoding.ASCII.GetString(png.Slice(pos + 4, 4));
            if (length > int.MaxValue || pos + 12L + length > png.Length)
            {
                throw new PngFormatException(source, $"chunk '{type}' at byte {pos} declares {length} bytes but only {Math.Max(0, png.Length - pos - 12)} remain: the file is truncated. Re-download or re-export it.");
            }
            ReadOnlySpan<byte> data = png.Slice(pos + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png[(pos + 8 + (int)length)..]);
            uint actual = Crc32.Compute(png.Slice(pos + 4, 4 + (int)length));
            if (stored != actual)
            {
                throw new PngFormatException(source, $"chunk '{type}' at byte {pos} has CRC 0x{stored:X8} but its bytes give 0x{actual:X8}: the file is corrupt. Re-download or re-export it.");
            }
            if (header is null && type != "IHDR")
            {
                throw new PngFormatException(source, $"the first chunk is '{type}', but a PNG must start with IHDR.");
            }
            switch (type)
            {
                case "IHDR":
                    if (header is not null)
                    {
                        throw new PngFormatException(source, "a second IHDR chunk was found.");
                    }
                    header = PngHeader.Parse(data, source);
                    break;
                case "PLTE":
                    if (data.Length == 0 || data.Length % 3 != 0 || data.Length > 768)
                    {
                        throw new PngFormatException(source, $"PLTE chunk has {data.Length} bytes; it must hold 1 to 256 RGB triples.");
                    }
                    palette = data.ToArray();
                    break;
                case "tRNS":
                    transparency = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    sawIend = true;
                    break;
                default:
                    // Bit 5 of the first type byte clear (an upper-case letter) marks a chunk the decoder must understand.
                    if ((png[pos + 4] & 0x20) == 0)
                    {
                        throw new PngFormatException(source, $"unknown critical chunk '{type}' at byte {pos}: this decoder cannot safely display the image.");
                    }
                    break;
            }
            pos += 12 + (int)length;
        }

        PngHeader h = header!.Value;
        if (idat.Length == 0)
        {
            throw new PngFormatException(source, "no IDAT chunk: the file has a header but no image data.");
        }
        if (h.ColorType == PngColorType.Palette && palette is null)
        {
            throw new PngFormatException(source, "palette image (colour type 3) without a PLTE chunk.");
        }

        byte[] raw = Inflate(idat, h.RawByteCount(), source);
        ushort[] samples = PngScanlines.Decode(raw, h, source);
        return PngPixels.Expand(h, samples, palette, transparency, source);
    }

    private static byte[] Inflate(MemoryStream idat, long expected, string source)
    {
        if (expected > MaxRawBytes)
        {
            throw new PngFormatException(source, $"the header describes {expected} bytes of image data, more than the {MaxRawBytes} this decoder accepts.");
        }
        var raw = new byte[expected];
        idat.Position = 0;
        int read;
        try
        {
            using var zlib = new ZLibStream(idat, CompressionMode.Decompress, leaveOpen: true);
            read = zlib.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new PngFormatException(source, $"the IDAT zlib stream is corrupt ({e.Message}). Re-download or re-export the file.", e);
        }
        if (read < raw.Length)
        {
            throw new PngFormatException(source, $"the IDAT data inflates to {read} bytes but the {raw.Length} bytes the header needs: the image data is truncated.");
        }
        return raw;
    }
}

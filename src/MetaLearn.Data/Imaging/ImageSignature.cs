using System.Buffers.Binary;

namespace MetaLearn.Data;

/// <summary>Recognises an image format from a file's first bytes (its magic number), ignoring its name.</summary>
internal static class ImageSignature
{
    private static ReadOnlySpan<byte> Png => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The format the bytes are, or <see cref="ImageFormat.Unknown"/>.</summary>
    public static ImageFormat Detect(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(Png))
        {
            return ImageFormat.Png;
        }
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }
        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }
        if (IsBmp(bytes))
        {
            return ImageFormat.Bmp;
        }
        // Classic TIFF ("*" = 42) and BigTIFF ("+" = 43), little- and big-endian.
        if (bytes.StartsWith("II*\0"u8) || bytes.StartsWith("MM\0*"u8) || bytes.StartsWith("II+\0"u8) || bytes.StartsWith("MM\0+"u8))
        {
            return ImageFormat.Tiff;
        }
        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }
        if (bytes.Length >= 12 && bytes[4..8].SequenceEqual("ftyp"u8))
        {
            return IsoBrand(bytes);
        }
        // TGA has no magic number, so it is tried last and only accepted when every header field is valid.
        return IsTga(bytes) ? ImageFormat.Tga : ImageFormat.Unknown;
    }

    /// <summary>"BM" followed by a file header and a DIB header of one of the sizes Windows defines.</summary>
    private static bool IsBmp(ReadOnlySpan<byte> b)
    {
        if (b.Length < 18 || b[0] != (byte)'B' || b[1] != (byte)'M')
        {
            return false;
        }
        uint dibSize = BinaryPrimitives.ReadUInt32LittleEndian(b[14..]);
        return dibSize is 12 or 40 or 52 or 56 or 64 or 108 or 124;
    }

    /// <summary>
    /// An ISO base-media file (the 'ftyp' box first): HEIC/HEIF or AVIF by its major or compatible brands;
    /// anything else (an MP4 video, say) is not an image.
    /// </summary>
    private static ImageFormat IsoBrand(ReadOnlySpan<byte> b)
    {
        long boxSize = BinaryPrimitives.ReadUInt32BigEndian(b);
        int end = (int)Math.Clamp(boxSize, 12, b.Length);
        bool heif = false;
        // Major brand at 8, minor version at 12, compatible brands from 16 to the end of the box.
        for (int at = 8; at + 4 <= end; at = at == 8 ? 16 : at + 4)
        {
            ReadOnlySpan<byte> brand = b.Slice(at, 4);
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8))
            {
                return ImageFormat.Avif;
            }
            heif |= brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("hevc"u8)
                || brand.SequenceEqual("hevx"u8) || brand.SequenceEqual("heim"u8) || brand.SequenceEqual("heis"u8)
                || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8);
        }
        return heif ? ImageFormat.Heif : ImageFormat.Unknown;
    }

    /// <summary>
    /// An 18-byte TGA header with consistent fields (Truevision TGA 2.0 specification): colour-map type 0 or 1,
    /// an image type that matches it (1/9 colour-mapped, 2/10 true-colour, 3/11 gray), a valid colour-map entry
    /// size, a non-zero size and a valid pixel depth. Text files never pass (their second byte is not 0 or 1).
    /// </summary>
    private static bool IsTga(ReadOnlySpan<byte> b)
    {
        if (b.Length < 18 || b[1] > 1)
        {
            return false;
        }
        bool mapped = b[1] == 1;
        int type = b[2];
        if (mapped ? type is not (1 or 9) : type is not (2 or 3 or 10 or 11))
        {
            return false;
        }
        if (mapped && b[7] is not (15 or 16 or 24 or 32))
        {
            return false;
        }
        int width = BinaryPrimitives.ReadUInt16LittleEndian(b[12..]), height = BinaryPrimitives.ReadUInt16LittleEndian(b[14..]);
        int depth = b[16];
        return width > 0 && height > 0 && (mapped ? depth is 8 or 16 : depth is 8 or 15 or 16 or 24 or 32);
    }
}

namespace MetaLearn.Data;

/// <summary>Undoes the scanline filters (PNG specification, section 9) and unpacks rows into samples.</summary>
internal static class PngScanlines
{
    /// <summary>
    /// Unfilters <paramref name="raw"/> in place and returns the stored samples (palette indices, not colours),
    /// row-major with channels interleaved; Adam7 passes are scattered to their final positions.
    /// </summary>
    public static ushort[] Decode(byte[] raw, PngHeader h, string source)
    {
        int channels = h.StoredChannels;
        var samples = new ushort[(long)h.Width * h.Height * channels];
        int offset = 0;
        int passIndex = 0;
        foreach (var pass in h.Passes)
        {
            passIndex++;
            int w = PngHeader.PassSize(h.Width, pass.X, pass.DX);
            int rows = PngHeader.PassSize(h.Height, pass.Y, pass.DY);
            if (w == 0 || rows == 0)
            {
                continue;
            }
            int rowBytes = (int)h.RowBytes(w);
            var rowSamples = new ushort[w * channels];
            Span<byte> prior = new byte[rowBytes];
            for (int r = 0; r < rows; r++)
            {
                int filter = raw[offset];
                Span<byte> row = raw.AsSpan(offset + 1, rowBytes);
                if (filter > 4)
                {
                    string where = h.Interlaced ? $"row {r} of Adam7 pass {passIndex}" : $"row {r}";
                    throw new PngFormatException(source, $"{where} has filter type {filter}; PNG defines only 0-4. The image data is corrupt.");
                }
                Unfilter(filter, row, prior, h.FilterStride);
                Unpack(row, rowSamples, h.BitDepth);
                int y = pass.Y + (r * pass.DY);
                if (pass.DX == 1)
                {
                    rowSamples.CopyTo(samples.AsSpan(y * h.Width * channels, rowSamples.Length));
                }
                else
                {
                    for (int i = 0; i < w; i++)
                    {
                        int dst = ((y * h.Width) + pass.X + (i * pass.DX)) * channels;
                        rowSamples.AsSpan(i * channels, channels).CopyTo(samples.AsSpan(dst, channels));
                    }
                }
                prior = row;
                offset += 1 + rowBytes;
            }
        }
        return samples;
    }

    /// <summary>Reverses one row's filter in place; <paramref name="prior"/> is the unfiltered previous row (zeros for the first).</summary>
    internal static void Unfilter(int filter, Span<byte> row, ReadOnlySpan<byte> prior, int stride)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1: // Sub: add the byte one pixel to the left.
                for (int i = stride; i < row.Length; i++)
                {
                    row[i] += row[i - stride];
                }
                break;
            case 2: // Up: add the byte above.
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] += prior[i];
                }
                break;
            case 3: // Average of left and above, rounded down.
                for (int i = 0; i < row.Length; i++)
                {
                    int left = i >= stride ? row[i - stride] : 0;
                    row[i] += (byte)((left + prior[i]) >> 1);
                }
                break;
            case 4: // Paeth predictor.
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= stride ? row[i - stride] : 0;
                    int c = i >= stride ? prior[i - stride] : 0;
                    row[i] += (byte)Paeth(a, prior[i], c);
                }
                break;
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>Unpacks a row of big-endian, most-significant-bit-first samples of <paramref name="depth"/> bits.</summary>
    private static void Unpack(ReadOnlySpan<byte> row, Span<ushort> samples, int depth)
    {
        switch (depth)
        {
            case 8:
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = row[i];
                }
                break;
            case 16:
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = (ushort)((row[2 * i] << 8) | row[(2 * i) + 1]);
                }
                break;
            default:
                // Walk bytes, not samples: no division per sample (Omniglot's 1-bit rows are 14 bytes for 105 pixels).
                int perByte = 8 / depth, mask = (1 << depth) - 1;
                int full = samples.Length / perByte;
                for (int b = 0; b < full; b++)
                {
                    int value = row[b];
                    Span<ushort> dst = samples.Slice(b * perByte, perByte);
                    for (int k = 0, shift = 8 - depth; k < dst.Length; k++, shift -= depth)
                    {
                        dst[k] = (ushort)((value >> shift) & mask);
                    }
                }
                for (int i = full * perByte, shift = 8 - depth; i < samples.Length; i++, shift -= depth)
                {
                    samples[i] = (ushort)((row[full] >> shift) & mask);
                }
                break;
        }
    }
}

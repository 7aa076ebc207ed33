namespace MetaLearn.Data;

/// <summary>Exact rotations of square images by multiples of 90 degrees (no interpolation).</summary>
public static class ImageRotation
{
    /// <summary>
    /// Rotates channel-first square planes ([channels, size, size]) counter-clockwise by
    /// <paramref name="quarterTurns"/> x 90 degrees (like <c>numpy.rot90</c>), writing into
    /// <paramref name="destination"/>. Any integer is accepted; it is taken modulo 4.
    /// </summary>
    public static void Rotate(ReadOnlySpan<float> source, int channels, int size, int quarterTurns, Span<float> destination)
    {
        int plane = size * size;
        if (source.Length != channels * plane || destination.Length != source.Length)
        {
            throw new ArgumentException($"ImageRotation.Rotate: buffers of {source.Length} and {destination.Length} floats do not match {channels}x{size}x{size}.");
        }
        int turns = ((quarterTurns % 4) + 4) % 4;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> src = source.Slice(c * plane, plane);
            Span<float> dst = destination.Slice(c * plane, plane);
            int last = size - 1;
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    // Output (y, x) reads the input pixel that a counter-clockwise turn moves there.
                    int sy, sx;
                    switch (turns)
                    {
                        case 0: sy = y; sx = x; break;
                        case 1: sy = x; sx = last - y; break;
                        case 2: sy = last - y; sx = last - x; break;
                        default: sy = last - x; sx = y; break;
                    }
                    dst[(y * size) + x] = src[(sy * size) + sx];
                }
            }
        }
    }
}

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

    /// <summary>
    /// Rotates channel-first square planes ([channels, size, size]) counter-clockwise by
    /// <paramref name="quarterTurns"/> x 90 degrees in place: the same result as
    /// <see cref="Rotate(ReadOnlySpan{float}, int, int, int, Span{float})"/> without a second buffer, so a sampler
    /// can read a sample straight into the task tensor and turn it there.
    /// </summary>
    public static void RotateInPlace(Span<float> planes, int channels, int size, int quarterTurns)
    {
        int plane = size * size;
        if (channels < 1 || size < 1 || planes.Length != channels * plane)
        {
            throw new ArgumentException($"ImageRotation.RotateInPlace: a buffer of {planes.Length} floats does not match {channels}x{size}x{size}.");
        }
        int turns = ((quarterTurns % 4) + 4) % 4;
        if (turns == 0)
        {
            return;
        }
        int last = size - 1;
        for (int c = 0; c < channels; c++)
        {
            Span<float> a = planes.Slice(c * plane, plane);
            if (turns == 2)
            {
                // Half a turn maps (y, x) to (last - y, last - x): row-major, that is the plane read backwards.
                a.Reverse();
                continue;
            }
            // A quarter turn moves pixels in 4-cycles (y, x) -> (x, last - y) -> (last - y, last - x) -> (last - x, y);
            // visiting the top-left quadrant's ring segments touches every cycle once.
            for (int y = 0; y < size / 2; y++)
            {
                for (int x = y; x < last - y; x++)
                {
                    int p0 = (y * size) + x, p1 = (x * size) + last - y, p2 = ((last - y) * size) + last - x, p3 = ((last - x) * size) + y;
                    float t = a[p0];
                    if (turns == 1)
                    {
                        a[p0] = a[p1];
                        a[p1] = a[p2];
                        a[p2] = a[p3];
                        a[p3] = t;
                    }
                    else
                    {
                        a[p0] = a[p3];
                        a[p3] = a[p2];
                        a[p2] = a[p1];
                        a[p1] = t;
                    }
                }
            }
        }
    }
}

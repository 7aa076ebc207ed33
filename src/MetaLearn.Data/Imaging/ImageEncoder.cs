using StbImageWriteSharp;

namespace MetaLearn.Data;

/// <summary>Writes images people can open: 8-bit gray PNG files (StbImageWriteSharp), from values in [0, 1].</summary>
public static class ImageEncoder
{
    /// <summary>
    /// Writes <paramref name="gray"/> (row-major, <paramref name="height"/> x <paramref name="width"/>, 0 = black, 1 = white;
    /// values outside [0, 1] are clamped, NaN is written black) as a PNG file, atomically: a reader sees the old file or the new one.
    /// </summary>
    public static void WriteGrayPng(string path, ReadOnlySpan<float> gray, int width, int height)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (width < 1 || height < 1 || gray.Length != width * height)
        {
            throw new ArgumentException($"ImageEncoder: {gray.Length} values for a {width}x{height} image; give width x height values in [0, 1].");
        }
        var bytes = new byte[gray.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            float v = gray[i];
            bytes[i] = float.IsNaN(v) ? (byte)0 : (byte)Math.Round(Math.Clamp(v, 0f, 1f) * 255);
        }
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                new ImageWriter().WritePng(bytes, width, height, ColorComponents.Grey, stream);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}

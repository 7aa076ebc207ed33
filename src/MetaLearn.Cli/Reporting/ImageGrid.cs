using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Reporting;

/// <summary>
/// A grid of single-channel images written as one PNG: rows of equal-sized cells on a light gray ground, ink drawn dark
/// (inputs use the training format, ink = 1 on a background of 0, so a cell shows 1 - value).
/// </summary>
internal static class ImageGrid
{
    private const int Gap = 2;

    /// <summary>Writes <paramref name="rows"/> (each a tensor <c>[N, 1, H, W]</c> or <c>[N, H, W]</c>) as a grid, every row <paramref name="columns"/> wide.</summary>
    public static void Write(string path, IReadOnlyList<Tensor> rows, int? columns = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("ImageGrid: no rows to draw.");
        }
        int h = rows[0].Shape[^2], w = rows[0].Shape[^1];
        int cols = columns ?? rows.Max(r => r.Shape[0]);
        foreach (Tensor r in rows)
        {
            if (r.Shape[^2] != h || r.Shape[^1] != w || r.Count != r.Shape[0] * h * w)
            {
                throw new ArgumentException($"ImageGrid: every row must hold single-channel {h}x{w} images; got [{string.Join(", ", r.Shape.ToArray())}].");
            }
        }
        int width = cols * (w + Gap) + Gap, height = rows.Count * (h + Gap) + Gap;
        var canvas = new float[width * height];
        Array.Fill(canvas, 0.85f);
        for (int row = 0; row < rows.Count; row++)
        {
            float[] values = rows[row].ToFloatArray();
            for (int n = 0; n < Math.Min(rows[row].Shape[0], cols); n++)
            {
                int top = Gap + row * (h + Gap), left = Gap + n * (w + Gap);
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        canvas[(top + y) * width + left + x] = 1f - values[(n * h + y) * w + x];
                    }
                }
            }
        }
        ImageEncoder.WriteGrayPng(path, canvas, width, height);
    }
}

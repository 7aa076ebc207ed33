using System.Text.Json;

namespace MetaLearn.Tensors.Tests.Golden;

/// <summary>
/// A deterministic input tensor: <c>offset + scale * u(seed, i)</c> with <c>u</c> from splitmix64, exactly as
/// <c>generate_golden.py</c> expands it, so both languages start from bit-identical float64 values.
/// </summary>
public sealed record GoldenSpec(int[] Shape, ulong Seed, double Scale, double Offset, bool Floor)
{
    private const double TwoToMinus53 = 1.0 / (1UL << 53);

    public static GoldenSpec Parse(JsonElement e) => new(
        e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
        e.GetProperty("seed").GetUInt64(),
        e.GetProperty("scale").GetDouble(),
        e.GetProperty("offset").GetDouble(),
        e.TryGetProperty("floor", out JsonElement floor) && floor.GetBoolean());

    public double[] Values()
    {
        int n = Shape.Aggregate(1, (a, b) => a * b);
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u = (SplitMix64((Seed << 32) + (ulong)i) >> 11) * TwoToMinus53 * 2.0 - 1.0;
            double v = Offset + Scale * u;
            values[i] = Floor ? Math.Floor(v) : v;
        }
        return values;
    }

    /// <summary>The values as a tensor; float32 inputs are the float64 values rounded to nearest.</summary>
    public Tensor ToTensor(DType dtype) => Tensor.FromArray(Values(), Shape).To(dtype);

    private static ulong SplitMix64(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

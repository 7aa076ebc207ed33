using System.Buffers.Binary;
using System.Text.Json;

namespace MetaLearn.Tensors.Tests.Golden;

/// <summary>A reference tensor from golden.json: a JSON list of float64 values, or base64 of little-endian float64.</summary>
public sealed record GoldenArray(int[] Shape, double[] Values)
{
    public static GoldenArray Parse(JsonElement e)
    {
        int[] shape = e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        double[] values;
        if (e.TryGetProperty("data", out JsonElement data))
        {
            values = data.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        }
        else
        {
            byte[] bytes = Convert.FromBase64String(e.GetProperty("b64").GetString()!);
            values = new double[bytes.Length / sizeof(double)];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)));
            }
        }
        if (values.Length != shape.Aggregate(1, (a, b) => a * b))
        {
            throw new InvalidDataException($"golden.json: {values.Length} values do not fill shape [{string.Join(", ", shape)}].");
        }
        return new GoldenArray(shape, values);
    }
}

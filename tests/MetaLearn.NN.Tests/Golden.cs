using System.Text.Json;

namespace MetaLearn.NN.Tests;

/// <summary>Access to Golden/nn_golden.json, written by Golden/generate_nn_golden.py from PyTorch.</summary>
internal static class Golden
{
    public static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Golden");

    public static readonly JsonElement Root = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "nn_golden.json"))).RootElement;

    public static JsonElement Case(string name) => Root.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static Tensor Tensor(JsonElement e, DType dtype = DType.Float32)
    {
        int[] shape = e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        double[] data = e.GetProperty("data").EnumerateArray().Select(d => d.GetDouble()).ToArray();
        return MetaLearn.Tensors.Tensor.FromArray(data, shape).To(dtype);
    }

    public static ParameterSet Set(JsonElement e, DType dtype = DType.Float32)
        => new(e.EnumerateObject().Select(p => new KeyValuePair<string, Tensor>(p.Name, Tensor(p.Value, dtype))));

    public static void AssertClose(string what, Tensor expected, Tensor actual, double atol = 1e-5, double rtol = 1e-4)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape [{string.Join(", ", actual.Shape.ToArray())}] but PyTorch has [{string.Join(", ", expected.Shape.ToArray())}].");
        for (int i = 0; i < expected.Count; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            Assert.True(diff <= atol + rtol * Math.Abs(expected[i]), $"{what}[{i}]: {actual[i]:G9} but PyTorch has {expected[i]:G9} (|diff| {diff:G3}).");
        }
    }
}

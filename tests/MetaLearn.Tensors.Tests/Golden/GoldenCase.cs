using System.Text.Json;

namespace MetaLearn.Tensors.Tests.Golden;

/// <summary>
/// One case of golden.json: an op with its arguments and input specs, PyTorch's float64 outputs and, for
/// differentiable cases, the gradients of <c>out</c> (a scalar) or of <c>sum(out * cotangent)</c>.
/// <see cref="ExactZeroGrads"/> names gradients that are 0 in exact arithmetic, whose stored values are rounding noise.
/// </summary>
public sealed record GoldenCase(
    string Name,
    string Op,
    bool Float32,
    JsonElement Args,
    IReadOnlyList<KeyValuePair<string, GoldenSpec>> Inputs,
    IReadOnlyList<KeyValuePair<string, GoldenArray>> Outputs,
    GoldenSpec? Cotangent,
    IReadOnlyList<KeyValuePair<string, GoldenArray>> Grads,
    IReadOnlyList<string> ExactZeroGrads)
{
    public static GoldenCase Parse(JsonElement e) => new(
        e.GetProperty("name").GetString()!,
        e.GetProperty("op").GetString()!,
        e.GetProperty("float32").GetBoolean(),
        e.GetProperty("args").Clone(),
        e.GetProperty("inputs").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, GoldenSpec.Parse(p.Value))).ToArray(),
        e.GetProperty("outputs").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, GoldenArray.Parse(p.Value))).ToArray(),
        e.TryGetProperty("cotangent", out JsonElement cot) ? GoldenSpec.Parse(cot) : null,
        e.TryGetProperty("grads", out JsonElement grads)
            ? grads.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, GoldenArray.Parse(p.Value))).ToArray()
            : [],
        e.TryGetProperty("exact_zero_grads", out JsonElement zeros) ? zeros.EnumerateArray().Select(z => z.GetString()!).ToArray() : []);

    public int Int(string name) => Args.GetProperty(name).GetInt32();

    public int? IntOrNull(string name) => Args.GetProperty(name).ValueKind == JsonValueKind.Null ? null : Int(name);

    public double Double(string name) => Args.GetProperty(name).GetDouble();

    public bool Bool(string name) => Args.GetProperty(name).GetBoolean();

    public string String(string name) => Args.GetProperty(name).GetString()!;

    public int[] Ints(string name) => Args.GetProperty(name).EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public int[]? IntsOrNull(string name) => Args.GetProperty(name).ValueKind == JsonValueKind.Null ? null : Ints(name);

    public Reduction Reduction => String("reduction") switch
    {
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        "none" => Reduction.None,
        string other => throw new InvalidDataException($"golden case '{Name}': unknown reduction '{other}'."),
    };
}

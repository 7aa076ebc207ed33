using System.Text.Json;

namespace MetaLearn.Tensors.Tests.Golden;

/// <summary>golden.json (written by generate_golden.py, copied next to the test assembly), parsed once.</summary>
public static class GoldenFile
{
    private static readonly Lazy<IReadOnlyDictionary<string, GoldenCase>> s_cases = new(Load);

    public static IReadOnlyDictionary<string, GoldenCase> Cases => s_cases.Value;

    private static IReadOnlyDictionary<string, GoldenCase> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Golden", "golden.json");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var cases = new Dictionary<string, GoldenCase>();
        foreach (JsonElement e in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            GoldenCase c = GoldenCase.Parse(e);
            cases.Add(c.Name, c);
        }
        return cases;
    }
}

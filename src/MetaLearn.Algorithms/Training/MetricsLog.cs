using System.Text.Json;

namespace MetaLearn.Algorithms;

/// <summary>Reading <c>metrics.jsonl</c> the way every reader should: a line that does not parse (torn by a crash) is skipped, not fatal.</summary>
public static class MetricsLog
{
    /// <summary>The <c>step</c> of a metrics line, or null when the line is empty, torn or not a metrics object.</summary>
    public static long? TryParseStep(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length == 0)
        {
            return null;
        }
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("step", out JsonElement s) && s.TryGetInt64(out long step)
                ? step
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

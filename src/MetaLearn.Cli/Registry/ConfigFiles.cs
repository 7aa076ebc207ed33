using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MetaLearn.Cli.Registry;

/// <summary>Reads configuration assignments from JSON and YAML text; nested mappings are namespaces joined with dots.</summary>
internal static class ConfigFiles
{
    public static List<ConfigEntry> ReadJson(string source, string text)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new UsageException($"{source} is not valid JSON: {e.Message} (a YAML file must end in .yaml or .yml).");
        }
        if (root is not JsonObject obj)
        {
            throw new UsageException($"{source} must hold a JSON object of key: value pairs, e.g. {{\"preset\": \"maml-sinusoid\", \"steps\": 500}}.");
        }
        var entries = new List<ConfigEntry>();
        AddJson(source, "", obj, entries);
        return entries;
    }

    public static List<ConfigEntry> ReadYaml(string source, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new UsageException($"{source} is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            throw new UsageException($"{source} must hold one YAML mapping of key: value pairs, e.g. \"preset: maml-sinusoid\" and \"steps: 500\" on separate lines.");
        }
        var entries = new List<ConfigEntry>();
        AddYaml(source, "", mapping, entries);
        return entries;
    }

    private static void AddJson(string source, string prefix, JsonObject obj, List<ConfigEntry> entries)
    {
        foreach ((string name, JsonNode? node) in obj)
        {
            string key = prefix + name;
            switch (node)
            {
                case JsonObject nested:
                    AddJson(source, key + ".", nested, entries);
                    break;
                case null:
                    Add(source, entries, key, "", null);
                    break;
                case JsonValue v when v.TryGetValue(out string? s):
                    Add(source, entries, key, s, null);
                    break;
                case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                    Add(source, entries, key, v.GetValueKind() == JsonValueKind.True ? "true" : "false", null);
                    break;
                case JsonValue v:
                    Add(source, entries, key, v.ToJsonString(), null);
                    break;
                default:
                    throw new UsageException($"{source}: key '{key}' must be a number, a string, a boolean or a mapping of keys, not {node.GetValueKind()}.");
            }
        }
    }

    private static void AddYaml(string source, string prefix, YamlMappingNode mapping, List<ConfigEntry> entries)
    {
        foreach ((YamlNode keyNode, YamlNode valueNode) in mapping.Children)
        {
            string name = keyNode is YamlScalarNode { Value: { } k } ? k
                : throw new UsageException($"{source} line {keyNode.Start.Line}: keys must be plain names.");
            string key = prefix + name;
            switch (valueNode)
            {
                case YamlMappingNode nested:
                    AddYaml(source, key + ".", nested, entries);
                    break;
                case YamlScalarNode scalar:
                    Add(source, entries, key, scalar.Value ?? "", keyNode.Start.Line);
                    break;
                default:
                    throw new UsageException($"{source} line {valueNode.Start.Line}: key '{key}' must be a number, a string or a mapping of keys, not a list.");
            }
        }
    }

    private static void Add(string source, List<ConfigEntry> entries, string key, string value, long? line)
    {
        string where = line is { } l ? $"{source} line {l}" : source;
        if (entries.Any(e => e.Key == key))
        {
            throw new UsageException($"{where}: key '{key}' appears twice.");
        }
        entries.Add(new ConfigEntry(key, value, where));
    }
}

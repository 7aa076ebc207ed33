using System.Reflection;

namespace MetaLearn.Cli.Registry;

/// <summary>A preset: the settings of a paper's experiment, kept as a YAML data file in src/MetaLearn.Cli/Presets.</summary>
/// <param name="Name">The name (the file name without .yaml).</param>
/// <param name="Description">One line, from the file's <c>description</c> key.</param>
/// <param name="File">The file, for error messages (<c>Presets/NAME.yaml</c>).</param>
/// <param name="Entries">Its assignments (without <c>description</c>).</param>
internal sealed record Preset(string Name, string Description, string File, IReadOnlyList<ConfigEntry> Entries)
{
    /// <summary>The learner the preset trains.</summary>
    public string Learner => Entries.LastOrDefault(e => e.Key == "learner")?.Value ?? "";

    /// <summary>The task family it trains on.</summary>
    public string Task => Entries.LastOrDefault(e => e.Key == "task")?.Value ?? "";
}

/// <summary>The presets shipped inside the command (embedded YAML files), in name order.</summary>
internal static class Presets
{
    /// <summary>The preset used when none is named: MAML on sinusoids, no download.</summary>
    public const string Default = "maml-sinusoid";

    private const string ResourcePrefix = "presets/";

    private static readonly Lazy<IReadOnlyList<Preset>> s_all = new(Load);

    /// <summary>Every preset.</summary>
    public static IReadOnlyList<Preset> All => s_all.Value;

    /// <summary>The preset named <paramref name="name"/>, or a usage error with the closest name.</summary>
    public static Preset Get(string name)
        => All.FirstOrDefault(p => p.Name == name)
           ?? throw new UsageException($"unknown preset '{name}'{Suggest.DidYouMean(name, All.Select(p => p.Name))}; the presets are {string.Join(", ", All.Select(p => p.Name))}.");

    /// <summary>The assignments of preset <paramref name="name"/>, starting with <c>preset: NAME</c>.</summary>
    public static IReadOnlyList<ConfigEntry> Entries(string name)
    {
        Preset preset = Get(name);
        return [new ConfigEntry("preset", preset.Name, preset.File), .. preset.Entries];
    }

    private static IReadOnlyList<Preset> Load()
    {
        Assembly assembly = typeof(Presets).Assembly;
        var presets = new List<Preset>();
        foreach (string resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(resource[ResourcePrefix.Length..]);
            string file = $"Presets/{name}.yaml";
            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            List<ConfigEntry> entries = ConfigFiles.ReadYaml($"preset file {file}", reader.ReadToEnd());
            string description = entries.FirstOrDefault(e => e.Key == "description")?.Value
                ?? throw new UsageException($"preset file {file} has no 'description' line; add one saying what the preset trains.");
            presets.Add(new Preset(name, description, file, [.. entries.Where(e => e.Key is not "description" and not "preset")]));
        }
        return presets;
    }
}

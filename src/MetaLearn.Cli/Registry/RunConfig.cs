using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaLearn.Data;
using MetaLearn.NN;

namespace MetaLearn.Cli.Registry;

/// <summary>One <c>key = value</c> assignment and where it came from (a preset file, a config file, <c>--set</c>), for error messages.</summary>
internal sealed record ConfigEntry(string Key, string Value, string Source);

/// <summary>
/// A resolved run configuration: the learner and task family, and every key of the run (the trainer's, the episode keys
/// the task family reads, the learner's and the task family's own, namespaced) with a checked value. Built from
/// assignments in order (a preset, then a config file, then <c>--set</c> and flags; the last assignment of a key wins),
/// and written to the run directory as <c>config.json</c> so eval, classify and report can rebuild the learner and its tasks.
/// </summary>
/// <remarks>
/// A learner's or task family's key may be given without its namespace when the run's learner or task family has it
/// (<c>inner_lr</c> for <c>maml.inner_lr</c>); config.json always records the full name.
/// </remarks>
internal sealed class RunConfig
{
    /// <summary>File name of the resolved configuration inside a run directory.</summary>
    public const string FileName = "config.json";

    private readonly Dictionary<string, string> _values;
    private readonly IReadOnlyList<ConfigEntry> _entries;

    private RunConfig(LearnerRegistration learner, TaskFamilyRegistration task, IReadOnlyList<(string, ConfigKey)> keys,
        Dictionary<string, string> values, IReadOnlyList<ConfigEntry> entries)
    {
        Learner = learner;
        Task = task;
        Keys = keys;
        _values = values;
        _entries = entries;
    }

    /// <summary>The learner.</summary>
    public LearnerRegistration Learner { get; }

    /// <summary>The task family.</summary>
    public TaskFamilyRegistration Task { get; }

    /// <summary>This run's keys (full names) in display order.</summary>
    public IReadOnlyList<(string FullName, ConfigKey Key)> Keys { get; }

    /// <summary>The value of <paramref name="fullName"/>.</summary>
    public string this[string fullName] => _values.TryGetValue(fullName, out string? v)
        ? v
        : throw new KeyNotFoundException($"the configuration of {Learner.Name} on {Task.Name} has no key '{fullName}'.");

    /// <summary>The preset the configuration started from (may be empty).</summary>
    public string Preset => _values["preset"];

    /// <summary>The tasks' shape.</summary>
    public TaskShape Shape => Task.Shape(this);

    public int Int(string fullName) => int.Parse(this[fullName], CultureInfo.InvariantCulture);

    public ulong ULong(string fullName) => ulong.Parse(this[fullName], CultureInfo.InvariantCulture);

    public double Double(string fullName) => double.Parse(this[fullName], CultureInfo.InvariantCulture);

    public bool Bool(string fullName) => this[fullName] == "true";

    /// <summary>Whether this run has the key <paramref name="fullName"/>.</summary>
    public bool Has(string fullName) => _values.ContainsKey(fullName);

    /// <summary>The configuration of preset <paramref name="name"/>.</summary>
    public static RunConfig FromPreset(string name) => Resolve(Presets.Entries(name));

    /// <summary>This configuration with more assignments after its own (e.g. <c>--steps</c> on a resumed run).</summary>
    public RunConfig With(params IEnumerable<ConfigEntry> more) => Resolve([.. _entries, .. more]);

    /// <summary>Resolves <paramref name="entries"/> in order; every error names the source, the key and what it accepts.</summary>
    public static RunConfig Resolve(IReadOnlyList<ConfigEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ConfigEntry? learnerEntry = entries.LastOrDefault(e => e.Key.Trim() == "learner");
        ConfigEntry? taskEntry = entries.LastOrDefault(e => e.Key.Trim() == "task");
        LearnerRegistration learner = From(learnerEntry, () => Registrations.Learner(learnerEntry?.Value ?? "maml"));
        TaskFamilyRegistration task = From(taskEntry, () => Registrations.TaskFamily(taskEntry?.Value ?? "sinusoid"));
        ConfigEntry? later = learnerEntry is null ? taskEntry : taskEntry is null ? learnerEntry
            : IndexOf(entries, learnerEntry) > IndexOf(entries, taskEntry) ? learnerEntry : taskEntry;
        From(later, () => RequireCompatible(learner, task));

        var keys = new List<(string, ConfigKey)>();
        keys.AddRange(GeneralKeys.Selection.Select(k => (k.Name, k)));
        keys.AddRange(GeneralKeys.Trainer.Select(k => (k.Name, k)));
        keys.AddRange(GeneralKeys.Episode.Where(k => task.EpisodeKeys.Contains(k.Name)).Select(k => (k.Name, k)));
        keys.AddRange(learner.Keys.Select(k => ($"{learner.Name}.{k.Name}", k)));
        keys.AddRange(task.Keys.Select(k => ($"{task.Name}.{k.Name}", k)));
        var byName = keys.ToDictionary(k => k.Item1, k => k.Item2);

        var values = new Dictionary<string, string>();
        foreach (ConfigEntry e in entries)
        {
            string full = From(e, () => ResolveKey(e.Key.Trim(), learner, task, byName));
            values[full] = From(e, () => full switch
            {
                "learner" => learner.Name,
                "task" => task.Name,
                _ => byName[full].Check(full, e.Value.Trim()),
            });
        }
        foreach ((string full, ConfigKey key) in keys)
        {
            values.TryAdd(full, key.Default);
        }
        var config = new RunConfig(learner, task, keys, values, entries);
        if (learner.FixedWays && task.Kind == TaskKind.Classification && config.Int("train_ways") != config.Int("ways"))
        {
            throw new UsageException(
                $"learner '{learner.Name}' has a {config.Int("ways")}-way head, so train_ways ({config.Int("train_ways")}) must equal ways ({config.Int("ways")}); " +
                $"learners without a fixed head ({string.Join(", ", Registrations.Learners.Where(l => !l.FixedWays).Select(l => l.Name))}) train and test with different ways.");
        }
        learner.Check?.Invoke(config);
        return config;
    }

    /// <summary>Reads a config.json written by <see cref="Save"/> (or by an earlier version, whose keys are translated).</summary>
    public static RunConfig Load(string path)
    {
        List<ConfigEntry> entries = ReadFile(path);
        if (entries.Any(e => e.Key == "algorithm"))
        {
            entries = LegacyConfig.Translate(entries);
        }
        return Resolve(entries);
    }

    /// <summary>
    /// Reads the assignments of a JSON or YAML (<c>.yaml</c>, <c>.yml</c>) file: a mapping of keys to numbers, strings or
    /// booleans; a nested mapping is a namespace (<c>maml: {inner_lr: 0.4}</c> is <c>maml.inner_lr: 0.4</c>).
    /// </summary>
    public static List<ConfigEntry> ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"config file '{path}' does not exist.");
        }
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"config file '{path}' cannot be read: {e.Message}");
        }
        string source = $"config file '{path}'";
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".yaml" or ".yml" ? ConfigFiles.ReadYaml(source, text) : ConfigFiles.ReadJson(source, text);
    }

    /// <summary>The configuration as an indented JSON object of full key names (numbers as numbers, booleans as booleans), in <see cref="Keys"/> order.</summary>
    public string ToJson()
    {
        var obj = new JsonObject();
        foreach ((string full, ConfigKey key) in Keys)
        {
            string v = _values[full];
            obj[full] = key.Kind switch
            {
                ConfigKind.Integer => JsonValue.Create(long.Parse(v, CultureInfo.InvariantCulture)),
                ConfigKind.Number => JsonValue.Create(double.Parse(v, CultureInfo.InvariantCulture)),
                ConfigKind.Boolean => JsonValue.Create(v == "true"),
                _ => JsonValue.Create(v),
            };
        }
        return obj.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Writes config.json into <paramref name="directory"/>, atomically.</summary>
    public void Save(string directory)
        => AtomicFile.Write(Path.Combine(directory, FileName), s => s.Write(Encoding.UTF8.GetBytes(ToJson())));

    private static string ResolveKey(string key, LearnerRegistration learner, TaskFamilyRegistration task, Dictionary<string, ConfigKey> byName)
    {
        if (byName.ContainsKey(key))
        {
            return key;
        }
        if (GeneralKeys.Renamed.TryGetValue(key, out string? renamed))
        {
            throw new UsageException($"config key '{key}' was renamed: {renamed}.");
        }
        int dot = key.IndexOf('.');
        if (dot > 0)
        {
            string space = key[..dot];
            if (space == learner.Name || space == task.Name)
            {
                IEnumerable<string> own = byName.Keys.Where(k => k.StartsWith(space + ".", StringComparison.Ordinal));
                throw new UsageException($"unknown config key '{key}'{Suggest.DidYouMean(key, own)}; {space}'s keys are {string.Join(", ", own)}.");
            }
            if (Registrations.Learners.FirstOrDefault(l => l.Name == space) is { } other)
            {
                throw new UsageException($"config key '{key}' belongs to learner {other.Name}, but this run's learner is {learner.Name}; set learner={other.Name} to use it, or drop the key.");
            }
            if (Registrations.TaskFamilies.FirstOrDefault(t => t.Name == space) is { } otherTask)
            {
                throw new UsageException($"config key '{key}' belongs to task {otherTask.Name}, but this run's task is {task.Name}; set task={otherTask.Name} to use it, or drop the key.");
            }
        }
        else
        {
            if (learner.Keys.Any(k => k.Name == key))
            {
                return $"{learner.Name}.{key}";
            }
            if (task.Keys.Any(k => k.Name == key))
            {
                return $"{task.Name}.{key}";
            }
            if (GeneralKeys.Episode.Any(k => k.Name == key))
            {
                throw new UsageException($"config key '{key}' does not apply to {task.Name} tasks; they read {string.Join(", ", task.EpisodeKeys)}.");
            }
            LearnerRegistration[] owners = [.. Registrations.Learners.Where(l => l.Keys.Any(k => k.Name == key))];
            if (owners.Length > 0)
            {
                throw new UsageException($"config key '{key}' is a key of {string.Join(", ", owners.Select(o => o.Name))}, not of this run's learner {learner.Name}; its keys are {string.Join(", ", learner.Keys.Select(k => k.Name))}.");
            }
            TaskFamilyRegistration[] families = [.. Registrations.TaskFamilies.Where(t => t.Keys.Any(k => k.Name == key))];
            if (families.Length > 0)
            {
                throw new UsageException($"config key '{key}' is a key of task {string.Join(", ", families.Select(f => f.Name))}, not of this run's task {task.Name}.");
            }
        }
        IEnumerable<string> candidates = byName.Keys.Concat(learner.Keys.Select(k => k.Name)).Concat(task.Keys.Select(k => k.Name));
        throw new UsageException($"unknown config key '{key}'{Suggest.DidYouMean(key, candidates)}; `metalearn learners {learner.Name}` lists the keys of this run.");
    }

    private static bool RequireCompatible(LearnerRegistration learner, TaskFamilyRegistration task)
    {
        if (!learner.TaskKinds.Contains(task.Kind))
        {
            string which = string.Join(", ", Registrations.TaskFamilies.Where(t => learner.TaskKinds.Contains(t.Kind)).Select(t => t.Name));
            throw new UsageException(
                $"learner '{learner.Name}' does not train on {task.Kind.ToString().ToLowerInvariant()} tasks ({task.Name}); " +
                $"use it with task={which}, or pick a learner for {task.Name} ({string.Join(", ", Registrations.Learners.Where(l => l.TaskKinds.Contains(task.Kind)).Select(l => l.Name))}).");
        }
        return true;
    }

    private static int IndexOf(IReadOnlyList<ConfigEntry> entries, ConfigEntry entry)
    {
        for (int i = entries.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(entries[i], entry))
            {
                return i;
            }
        }
        return -1;
    }

    private static T From<T>(ConfigEntry? entry, Func<T> body)
    {
        try
        {
            return body();
        }
        catch (UsageException e) when (entry is not null)
        {
            throw new UsageException($"{entry.Source}: {e.Message}");
        }
    }
}

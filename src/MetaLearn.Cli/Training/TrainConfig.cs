using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MetaLearn.Cli.Training;

/// <summary>
/// A resolved training configuration: flat <c>key = value</c> pairs, every key from <see cref="Keys"/>, every value
/// checked. Built from a preset, then a config file, then <c>--set</c> and flags, and written to the run directory as
/// <c>config.json</c> so eval, classify and report can rebuild the learner and its task distribution.
/// </summary>
internal sealed class TrainConfig
{
    /// <summary>File name of the resolved configuration inside a run directory.</summary>
    public const string FileName = "config.json";

    public static readonly IReadOnlyList<ConfigKey> Keys =
    [
        new("preset", ConfigKind.Text, "the preset this configuration started from"),
        new("task", ConfigKind.Choice, "the task distribution", Choices: ["sinusoid", "omniglot"]),
        new("algorithm", ConfigKind.Choice, "the meta-learner", Choices: ["maml", "fomaml", "reptile", "metasgd", "protonet", "anil"]),
        new("steps", ConfigKind.Integer, "meta-steps (outer updates)", 1),
        new("meta_batch", ConfigKind.Integer, "tasks per meta-step", 1),
        new("seed", ConfigKind.Integer, "seed of the initialisation and the task stream", 0),
        new("outer_lr", ConfigKind.Number, "Adam learning rate of the outer loop", 0),
        new("lr_halve_every", ConfigKind.Integer, "halve the outer learning rate every this many steps (0: never)", 0),
        new("inner_lr", ConfigKind.Number, "inner-loop learning rate (Meta-SGD: the initial learned rate)", 0),
        new("inner_steps", ConfigKind.Integer, "inner steps while meta-training", 1),
        new("test_inner_steps", ConfigKind.Integer, "inner steps when adapting to a new task", 1),
        new("inner_optimizer", ConfigKind.Choice, "Reptile's inner optimizer", Choices: ["sgd", "adam"]),
        new("inner_batch", ConfigKind.Integer, "Reptile's support rows per inner step (0: the whole support set)", 0),
        new("meta_step", ConfigKind.Number, "Reptile's meta step size at the start", 0),
        new("meta_step_final", ConfigKind.Number, "Reptile's meta step size at the end (linear annealing)", 0),
        new("ways", ConfigKind.Integer, "classes per validation/test task (classification)", 2),
        new("train_ways", ConfigKind.Integer, "classes per training task (classification)", 2),
        new("shots", ConfigKind.Integer, "support examples per class (regression: support points) at test time", 1),
        new("train_shots", ConfigKind.Integer, "support examples per class (regression: support points) while training", 1),
        new("queries", ConfigKind.Integer, "query examples per class (regression: query points) while training", 1),
        new("test_queries", ConfigKind.Integer, "query examples per class (regression: query points) at validation and test", 1),
        new("split", ConfigKind.Choice, "Omniglot split: vinyals (1,200 characters x 4 rotations to train) or lake (background alphabets train, evaluation alphabets test)", Choices: ["vinyals", "lake"]),
        new("data", ConfigKind.Text, "folder holding images_background and images_evaluation (zips or folders); empty: search the data directories"),
        new("hidden", ConfigKind.Integer, "channels (convnet) or units (MLP) per hidden layer", 1),
        new("validation_interval", ConfigKind.Integer, "validate every this many steps (0: never)", 0),
        new("validation_episodes", ConfigKind.Integer, "episodes per validation", 1),
        new("checkpoint_interval", ConfigKind.Integer, "save last.safetensors every this many steps (0: only at the end)", 0),
        new("test_episodes", ConfigKind.Integer, "episodes of the final test evaluation written to final_eval.json (0: skip)", 0),
    ];

    private static readonly Dictionary<string, string> s_sinusoid = new()
    {
        ["task"] = "sinusoid", ["steps"] = "70000", ["meta_batch"] = "25", ["seed"] = "1", ["outer_lr"] = "0.001", ["lr_halve_every"] = "0",
        ["inner_lr"] = "0.01", ["inner_steps"] = "1", ["test_inner_steps"] = "10", ["inner_optimizer"] = "sgd", ["inner_batch"] = "0", ["meta_step"] = "1", ["meta_step_final"] = "0",
        ["ways"] = "2", ["train_ways"] = "2", ["shots"] = "10", ["train_shots"] = "10", ["queries"] = "10", ["test_queries"] = "100",
        ["split"] = "vinyals", ["data"] = "", ["hidden"] = "40",
        ["validation_interval"] = "1000", ["validation_episodes"] = "100", ["checkpoint_interval"] = "1000", ["test_episodes"] = "1000",
    };

    private static readonly Dictionary<string, string> s_omniglot = new()
    {
        ["task"] = "omniglot", ["steps"] = "60000", ["meta_batch"] = "32", ["seed"] = "1", ["outer_lr"] = "0.001", ["lr_halve_every"] = "0",
        ["inner_lr"] = "0.4", ["inner_steps"] = "1", ["test_inner_steps"] = "3", ["inner_optimizer"] = "sgd", ["inner_batch"] = "0", ["meta_step"] = "1", ["meta_step_final"] = "0",
        ["ways"] = "5", ["train_ways"] = "5", ["shots"] = "1", ["train_shots"] = "1", ["queries"] = "1", ["test_queries"] = "15",
        ["split"] = "vinyals", ["data"] = "", ["hidden"] = "64",
        ["validation_interval"] = "500", ["validation_episodes"] = "100", ["checkpoint_interval"] = "500", ["test_episodes"] = "1000",
    };

    /// <summary>
    /// The presets: the papers' hyperparameters. Sinusoid: Finn et al. 2017 section 5.1 (MLP 40-40, K = 10, meta-batch
    /// 25, Adam 1e-3, one inner SGD step of 0.01, tested with 10 steps); the default <c>maml-sinusoid</c> runs 10,000 of the
    /// paper's 70,000 steps so a first run takes about a minute (<c>--steps 70000</c> for the paper's budget).
    /// Omniglot: MAML (alpha 0.4, 1 step, 3 at test, meta-batch 32, strided convnet; 20-way: alpha 0.1, 5 steps, meta-batch 16), Snell et al. 2017 (60-way training
    /// episodes, 5 queries, Adam 1e-3 halved every 2,000 episodes, max-pool convnet), Nichol et al. 2018 (inner Adam 1e-3
    /// with beta1 = 0, 5 inner steps of 10 rows, 10 train shots, meta-batch 5, meta step 1 annealed to 0, 50 steps at test).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Description, Dictionary<string, string> Values)> Presets =
        new Dictionary<string, (string, Dictionary<string, string>)>
        {
            ["maml-sinusoid"] = ("MAML on sinusoid regression (Finn et al. 2017), shortened to 10,000 steps", With(s_sinusoid, ("algorithm", "maml"), ("steps", "10000"), ("validation_interval", "1000"))),
            ["fomaml-sinusoid"] = ("first-order MAML on sinusoids", With(s_sinusoid, ("algorithm", "fomaml"))),
            ["reptile-sinusoid"] = ("Reptile on sinusoids (Nichol et al. 2018): 5 inner SGD steps of 0.02, meta step 1 annealed to 0",
                With(s_sinusoid, ("algorithm", "reptile"), ("inner_lr", "0.02"), ("inner_steps", "5"), ("test_inner_steps", "10"), ("steps", "30000"))),
            ["metasgd-sinusoid"] = ("Meta-SGD on sinusoids (Li et al. 2017): learned per-parameter inner rates, one step",
                With(s_sinusoid, ("algorithm", "metasgd"), ("test_inner_steps", "1"))),
            ["maml-omniglot-5w1s"] = ("MAML, Omniglot 5-way 1-shot (Finn et al. 2017)", With(s_omniglot, ("algorithm", "maml"))),
            ["fomaml-omniglot-5w1s"] = ("first-order MAML, Omniglot 5-way 1-shot (Finn et al. 2017's settings without the second-order term)", With(s_omniglot, ("algorithm", "fomaml"))),
            ["maml-omniglot-5w5s"] = ("MAML, Omniglot 5-way 5-shot (Finn et al. 2017)",
                With(s_omniglot, ("algorithm", "maml"), ("shots", "5"), ("train_shots", "5"), ("queries", "5"))),
            ["maml-omniglot-20w1s"] = ("MAML, Omniglot 20-way 1-shot (Finn et al. 2017: 5 inner steps of 0.1, meta-batch 16)",
                With(s_omniglot, ("algorithm", "maml"), ("ways", "20"), ("train_ways", "20"), ("inner_lr", "0.1"), ("inner_steps", "5"), ("test_inner_steps", "5"), ("meta_batch", "16"))),
            ["anil-omniglot-5w1s"] = ("ANIL, Omniglot 5-way 1-shot (Raghu et al. 2020, MAML's settings, head-only inner loop)", With(s_omniglot, ("algorithm", "anil"))),
            ["protonet-omniglot-5w1s"] = ("Prototypical networks, Omniglot 5-way 1-shot test, 60-way training episodes (Snell et al. 2017)", ProtoNet(5)),
            ["protonet-omniglot-20w1s"] = ("Prototypical networks, Omniglot 20-way 1-shot test, 60-way training episodes (Snell et al. 2017)", ProtoNet(20)),
            ["protonet-omniglot-5w5s"] = ("Prototypical networks, Omniglot 5-way 5-shot test, 60-way 5-shot training episodes (Snell et al. 2017)",
                With(ProtoNet(5), ("shots", "5"), ("train_shots", "5"))),
            ["reptile-omniglot-5w1s"] = ("Reptile, Omniglot 5-way 1-shot (Nichol et al. 2018)",
                With(s_omniglot, ("algorithm", "reptile"), ("inner_optimizer", "adam"), ("inner_lr", "0.001"), ("inner_steps", "5"), ("inner_batch", "10"), ("test_inner_steps", "50"),
                    ("train_shots", "10"), ("meta_batch", "5"), ("steps", "100000"), ("meta_step", "1"), ("meta_step_final", "0"))),
        };

    /// <summary>The preset used when none is named.</summary>
    public const string DefaultPreset = "maml-sinusoid";

    private readonly Dictionary<string, string> _values;

    private TrainConfig(Dictionary<string, string> values) => _values = values;

    /// <summary>A copy of the preset <paramref name="name"/>.</summary>
    public static TrainConfig FromPreset(string name)
    {
        if (!Presets.TryGetValue(name, out var preset))
        {
            throw new UsageException($"unknown preset '{name}'{DidYouMean(name, Presets.Keys)}; the presets are {string.Join(", ", Presets.Keys)}.");
        }
        var values = new Dictionary<string, string>(preset.Values) { ["preset"] = name };
        return new TrainConfig(values);
    }

    /// <summary>Reads a config.json written by <see cref="Save"/> (or any JSON object of known keys).</summary>
    public static TrainConfig Load(string path)
    {
        Dictionary<string, string> values = ReadObject(path);
        var config = values.TryGetValue("preset", out string? p) && Presets.ContainsKey(p) ? FromPreset(p) : FromPreset(DefaultPreset);
        foreach ((string key, string value) in values)
        {
            config.Set(key, value);
        }
        return config;
    }

    /// <summary>
    /// Reads a flat mapping of <c>key: value</c> pairs (numbers, strings or booleans) from <paramref name="path"/>:
    /// YAML when the file ends in <c>.yaml</c> or <c>.yml</c>, JSON otherwise.
    /// </summary>
    public static Dictionary<string, string> ReadObject(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"config file '{path}' does not exist.");
        }
        string text = File.ReadAllText(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".yaml" or ".yml" ? ReadYaml(path, text) : ReadJson(path, text);
    }

    private static Dictionary<string, string> ReadJson(string path, string text)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new UsageException($"config file '{path}' is not valid JSON: {e.Message} (a YAML file must end in .yaml or .yml).");
        }
        if (root is not JsonObject obj)
        {
            throw new UsageException($"config file '{path}' must hold a JSON object of key: value pairs, e.g. {{\"preset\": \"maml-sinusoid\", \"steps\": 500}}.");
        }
        var values = new Dictionary<string, string>();
        foreach ((string key, JsonNode? node) in obj)
        {
            values[key] = node switch
            {
                null => "",
                JsonValue v when v.TryGetValue(out string? s) => s,
                JsonValue v => v.ToJsonString(),
                _ => throw new UsageException($"config file '{path}': key '{key}' must be a number or a string, not {node.GetValueKind()}."),
            };
        }
        return values;
    }

    private static Dictionary<string, string> ReadYaml(string path, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new UsageException($"config file '{path}' is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            throw new UsageException($"config file '{path}' must hold one YAML mapping of key: value pairs, e.g. \"preset: maml-sinusoid\" and \"steps: 500\" on separate lines.");
        }
        var values = new Dictionary<string, string>();
        foreach ((YamlNode keyNode, YamlNode valueNode) in mapping.Children)
        {
            string key = keyNode is YamlScalarNode { Value: { } k } ? k
                : throw new UsageException($"config file '{path}' line {keyNode.Start.Line}: keys must be plain names.");
            if (valueNode is not YamlScalarNode scalar)
            {
                throw new UsageException($"config file '{path}' line {valueNode.Start.Line}: key '{key}' must be a number or a string, not a nested list or mapping.");
            }
            if (!values.TryAdd(key, scalar.Value ?? ""))
            {
                throw new UsageException($"config file '{path}' line {keyNode.Start.Line}: key '{key}' appears twice.");
            }
        }
        return values;
    }

    /// <summary>Sets <paramref name="key"/> after checking the key and the value.</summary>
    public void Set(string key, string value)
    {
        ConfigKey? spec = Keys.FirstOrDefault(k => k.Name == key);
        if (spec is null)
        {
            throw new UsageException($"unknown config key '{key}'{DidYouMean(key, Keys.Select(k => k.Name))}; the keys are {string.Join(", ", Keys.Select(k => k.Name))}.");
        }
        _values[key] = spec.Check(value);
    }

    /// <summary>Applies a <c>key=value</c> pair from <c>--set</c>.</summary>
    public void SetPair(string pair)
    {
        int eq = pair.IndexOf('=');
        if (eq <= 0)
        {
            throw new UsageException($"--set expects key=value; got '{pair}'.");
        }
        Set(pair[..eq].Trim(), pair[(eq + 1)..].Trim());
    }

    public string this[string key] => _values[key];

    public int Int(string key) => int.Parse(_values[key], CultureInfo.InvariantCulture);

    public ulong ULong(string key) => ulong.Parse(_values[key], CultureInfo.InvariantCulture);

    public double Double(string key) => double.Parse(_values[key], CultureInfo.InvariantCulture);

    public bool IsClassification => _values["task"] == "omniglot";

    /// <summary>Checks combinations a single key cannot: e.g. ProtoNet is not trained on regression.</summary>
    public void ValidateCombination()
    {
        string algorithm = _values["algorithm"];
        if (!IsClassification && algorithm is "protonet" or "anil")
        {
            throw new UsageException($"algorithm '{algorithm}' needs a classification task; set task=omniglot (or use maml, fomaml, reptile or metasgd on sinusoids).");
        }
        if (IsClassification && algorithm != "protonet" && Int("train_ways") != Int("ways"))
        {
            throw new UsageException($"algorithm '{algorithm}' has a {Int("ways")}-way head, so train_ways ({Int("train_ways")}) must equal ways ({Int("ways")}); only protonet trains and tests with different ways.");
        }
    }

    /// <summary>The configuration as an indented JSON object (numbers as numbers), in <see cref="Keys"/> order.</summary>
    public string ToJson()
    {
        var obj = new JsonObject();
        foreach (ConfigKey key in Keys)
        {
            if (_values.TryGetValue(key.Name, out string? v))
            {
                obj[key.Name] = key.Kind switch
                {
                    ConfigKind.Integer => JsonValue.Create(long.Parse(v, CultureInfo.InvariantCulture)),
                    ConfigKind.Number => JsonValue.Create(double.Parse(v, CultureInfo.InvariantCulture)),
                    _ => JsonValue.Create(v),
                };
            }
        }
        return obj.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    public void Save(string directory) => File.WriteAllText(Path.Combine(directory, FileName), ToJson());

    /// <summary>" (did you mean 'x'?)" for the closest candidate within a small edit distance, else "".</summary>
    public static string DidYouMean(string given, IEnumerable<string> candidates)
    {
        (string? best, int distance) = (null, int.MaxValue);
        foreach (string c in candidates)
        {
            int d = EditDistance(given.ToLowerInvariant(), c);
            if (d < distance)
            {
                (best, distance) = (c, d);
            }
        }
        return best is not null && distance <= Math.Max(2, given.Length / 3) ? $" (did you mean '{best}'?)" : "";
    }

    private static int EditDistance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            row[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    private static Dictionary<string, string> With(Dictionary<string, string> baseValues, params (string Key, string Value)[] changes)
    {
        var values = new Dictionary<string, string>(baseValues);
        foreach ((string key, string value) in changes)
        {
            values[key] = value;
        }
        return values;
    }

    private static Dictionary<string, string> ProtoNet(int ways) => With(s_omniglot, ("algorithm", "protonet"), ("ways", ways.ToString(CultureInfo.InvariantCulture)),
        ("train_ways", "60"), ("queries", "5"), ("meta_batch", "1"), ("lr_halve_every", "2000"), ("steps", "20000"));
}

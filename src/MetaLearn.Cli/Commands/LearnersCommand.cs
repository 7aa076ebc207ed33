using System.CommandLine;
using MetaLearn.Algorithms;
using MetaLearn.Cli.Registry;

namespace MetaLearn.Cli.Commands;

/// <summary>
/// <c>metalearn learners [NAME]</c>: every learner, task family and preset the command knows, and every configuration key
/// with its default and meaning, so nobody has to read source to configure a run.
/// </summary>
internal static class LearnersCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("name") { Description = "A learner, task family or preset to describe in full (default: list everything).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("learners", "List the learners, task families and presets, with every configuration key, its default and its meaning.") { name };
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            string? which = parse.GetValue(name);
            if (which is null)
            {
                Overview(output);
                return 0;
            }
            if (Registrations.Learners.FirstOrDefault(l => l.Name == which) is { } learner)
            {
                Describe(output, learner);
                return 0;
            }
            if (Registrations.TaskFamilies.FirstOrDefault(t => t.Name == which) is { } task)
            {
                Describe(output, task);
                return 0;
            }
            if (Presets.All.FirstOrDefault(p => p.Name == which) is { } preset)
            {
                Describe(output, preset);
                return 0;
            }
            IEnumerable<string> all = Registrations.Learners.Select(l => l.Name).Concat(Registrations.TaskFamilies.Select(t => t.Name)).Concat(Presets.All.Select(p => p.Name));
            error.WriteLine($"learners: '{which}' is not a learner, task family or preset{Suggest.DidYouMean(which, all)}; run `metalearn learners` for the list.");
            return 2;
        });
        return command;
    }

    private static void Overview(TextWriter o)
    {
        o.WriteLine("Learners (metalearn learners NAME lists a learner's keys; give them as --set NAME.KEY=VALUE, or KEY=VALUE for the run's learner):");
        int width = Registrations.Learners.Max(l => l.Name.Length);
        foreach (LearnerRegistration l in Registrations.Learners)
        {
            o.WriteLine($"  {l.Name.PadRight(width)}  {l.Summary} ({l.Reference})");
            o.WriteLine($"  {"".PadRight(width)}  tasks: {string.Join("; ", l.Capabilities.Select(c => $"{Kind(c.Key)} ({c.Value.Describe()})"))}");
        }
        o.WriteLine();
        o.WriteLine("Task families (task=NAME):");
        width = Registrations.TaskFamilies.Max(t => t.Name.Length);
        foreach (TaskFamilyRegistration t in Registrations.TaskFamilies)
        {
            o.WriteLine($"  {t.Name.PadRight(width)}  {Kind(t.Kind)}: {t.Summary}");
        }
        o.WriteLine();
        o.WriteLine($"Presets (metalearn train --preset NAME; default {Presets.Default}):");
        width = Presets.All.Max(p => p.Name.Length);
        foreach (Preset p in Presets.All)
        {
            o.WriteLine($"  {p.Name.PadRight(width)}  {p.Description}");
        }
        o.WriteLine();
        o.WriteLine("Keys of every run:");
        Keys(o, "", [.. GeneralKeys.Selection.Skip(1), .. GeneralKeys.Trainer]);
        o.WriteLine("Episode keys (each task family reads the ones it needs):");
        Keys(o, "", GeneralKeys.Episode);
    }

    private static void Describe(TextWriter o, LearnerRegistration l)
    {
        o.WriteLine($"{l.Name}: {l.Summary} ({l.Reference})");
        o.WriteLine($"tasks: {string.Join("; ", l.Capabilities.Select(c => $"{Kind(c.Key)} ({c.Value.Describe()})"))}");
        if (l.FixedWays)
        {
            o.WriteLine("head: one output per class, so training and test tasks have the configured ways");
        }
        o.WriteLine("keys:");
        Keys(o, l.Name + ".", l.Keys);
        string[] presets = [.. Presets.All.Where(p => p.Learner == l.Name).Select(p => p.Name)];
        o.WriteLine($"presets: {(presets.Length > 0 ? string.Join(", ", presets) : "none")}");
    }

    private static void Describe(TextWriter o, TaskFamilyRegistration t)
    {
        o.WriteLine($"{t.Name}: {Kind(t.Kind)} tasks: {t.Summary}");
        o.WriteLine($"episode keys: {string.Join(", ", t.EpisodeKeys)}");
        if (t.Keys.Count > 0)
        {
            o.WriteLine("keys:");
            Keys(o, t.Name + ".", t.Keys);
        }
        o.WriteLine($"learners: {string.Join(", ", Registrations.Learners.Where(l => l.TaskKinds.Contains(t.Kind)).Select(l => l.Name))}");
    }

    private static void Describe(TextWriter o, Preset p)
    {
        o.WriteLine($"{p.Name}: {p.Description}");
        o.WriteLine($"({p.File}; metalearn train --preset {p.Name})");
        RunConfig config = RunConfig.FromPreset(p.Name);
        int width = config.Keys.Max(k => k.FullName.Length);
        foreach ((string full, ConfigKey _) in config.Keys.Where(k => k.FullName != "preset"))
        {
            o.WriteLine($"  {full.PadRight(width)}  {config[full]}");
        }
    }

    private static void Keys(TextWriter o, string prefix, IEnumerable<ConfigKey> keys)
    {
        ConfigKey[] list = [.. keys];
        int width = list.Max(k => prefix.Length + k.Name.Length);
        foreach (ConfigKey k in list)
        {
            string value = k.Default.Length == 0 ? "\"\"" : k.Default;
            o.WriteLine($"  {(prefix + k.Name).PadRight(width)}  {k.Description}; {k.Accepts}; default {value}");
        }
    }

    private static string Kind(MetaLearn.Data.TaskKind kind) => kind.ToString().ToLowerInvariant();
}

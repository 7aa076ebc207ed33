using System.CommandLine;
using System.Globalization;
using System.Text;
using MetaLearn.Algorithms;
using MetaLearn.Cli.Registry;
using MetaLearn.Cli.Training;
using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Commands;

/// <summary>
/// <c>metalearn embed</c>: vectors from a checkpoint. <c>--images</c>: the model adapts to the images (an unlabeled set)
/// and writes one embedding per image (capability <c>embed</c>); <c>--support</c>: one embedding of the whole set, a task
/// latent (capability <c>embed-task</c>). CSV with the file (or folder) name first, or JSON.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { HelpName = "file", Description = "A checkpoint in its run directory.", Required = true };
        var images = new Option<string[]>("--images") { HelpName = "path", Description = "Images or folders of them: one embedding per image (the model first adapts to them).", AllowMultipleArgumentsPerToken = true };
        var support = new Option<string?>("--support") { HelpName = "dir", Description = "A folder of images forming one task: one embedding of the whole task." };
        var format = CliOptions.Choice("--format", "Output format.", EmbedFormat.Csv);
        var output = new Option<string?>("--out") { HelpName = "file", Description = "Write to this file instead of standard output." };
        var command = new Command("embed", "Embed images (one vector each) or a whole task (one vector) with a checkpoint that can.") { checkpoint, images, support, format, output };
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output, stderr = parse.InvocationConfiguration.Error;
            try
            {
                string path = parse.GetValue(checkpoint)!;
                string[]? imagePaths = parse.GetValue(images);
                string? task = parse.GetValue(support);
                if ((imagePaths is { Length: > 0 }) == (task is not null))
                {
                    throw new UsageException("give either --images (one embedding per image) or --support (one embedding of the task), not both or neither.");
                }
                RunConfig config = RunSetup.ConfigBeside(path);
                Capability needed = task is null ? Capability.Embed : Capability.EmbedTask;
                Require(config, path, needed);
                var reader = new ImageInputs(config.Shape, stderr);
                string[] files = task is null ? ImageInputs.Expand("--images", imagePaths!) : ImageInputs.Expand("--support", [task]);
                Tensor inputs = reader.Stack([.. files.Select(reader.Read)]);
                IMetaLearner learner = RunSetup.BuildLearner(config);
                LearnerState state = RunSetup.LoadCheckpoint(learner, path);
                learner.Model.Train();
                IAdaptedModel adapted = learner.Adapt(state, SupportSet.Unlabeled(inputs), new Rng(EvalCommand.TestSeed));
                (string Name, double[] Values)[] rows = task is null
                    ? [.. Rows(files, ((IEmbedder)adapted).Embed(inputs))]
                    : [(task, ((ITaskEmbedder)adapted).TaskEmbedding.ToDoubleArray())];
                string text = Format(rows, format.ValueIn(parse));
                if (parse.GetValue(output) is { } file)
                {
                    MetaLearn.NN.AtomicFile.Write(file, s => s.Write(Encoding.UTF8.GetBytes(text)));
                    stdout.WriteLine($"wrote {rows.Length} embedding{(rows.Length == 1 ? "" : "s")} of size {rows[0].Values.Length} to {file}");
                }
                else
                {
                    stdout.Write(text);
                }
                return 0;
            }
            catch (UsageException e)
            {
                stderr.WriteLine($"embed: {e.Message}");
                return 2;
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine($"embed: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"embed: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>Refuses a checkpoint whose learner does not offer <paramref name="needed"/> on its tasks, naming both.</summary>
    internal static void Require(RunConfig config, string checkpoint, Capability needed)
    {
        Capability offered = config.Learner.Capabilities.GetValueOrDefault(config.Task.Kind);
        if (!offered.HasFlag(needed))
        {
            string[] able = [.. Registrations.Learners.Where(l => l.Capabilities.Values.Any(c => c.HasFlag(needed))).Select(l => l.Name)];
            throw new UsageException(
                $"checkpoint '{checkpoint}' holds {config.Learner.Name} trained on {config.Task.Name} {config.Task.Kind.ToString().ToLowerInvariant()} tasks, which offers {offered.Describe()}; " +
                $"this needs {needed.Name()}{(able.Length > 0 ? $" ({string.Join(", ", able)} can)" : " (no registered learner offers it yet)")}.");
        }
    }

    private static IEnumerable<(string, double[])> Rows(string[] files, Tensor embeddings)
    {
        int d = embeddings.Shape[1];
        double[] all = embeddings.ToDoubleArray();
        for (int i = 0; i < files.Length; i++)
        {
            yield return (files[i], all[(i * d)..((i + 1) * d)]);
        }
    }

    private static string Format((string Name, double[] Values)[] rows, EmbedFormat format)
    {
        var sb = new StringBuilder();
        if (format == EmbedFormat.Json)
        {
            sb.Append('[').AppendJoin(",", rows.Select(r => System.Text.Json.JsonSerializer.Serialize(new { name = r.Name, embedding = r.Values }))).Append("]\n");
            return sb.ToString();
        }
        sb.Append("name,").AppendJoin(",", Enumerable.Range(0, rows[0].Values.Length).Select(i => $"e{i}")).Append('\n');
        foreach ((string name, double[] values) in rows)
        {
            string quoted = name.Contains(',') || name.Contains('"') ? $"\"{name.Replace("\"", "\"\"")}\"" : name;
            sb.Append(quoted).Append(',').AppendJoin(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }
        return sb.ToString();
    }
}

/// <summary>How embed prints.</summary>
internal enum EmbedFormat
{
    /// <summary>A header row, then the name and the values of each embedding.</summary>
    Csv,

    /// <summary>A JSON list of {"name", "embedding"}.</summary>
    Json,
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MetaLearn.Algorithms;
using MetaLearn.Cli.Registry;
using MetaLearn.Cli.Training;
using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Commands;

/// <summary>How classify prints its rows.</summary>
internal enum ClassifyFormat
{
    /// <summary>An aligned Markdown table.</summary>
    Table,

    /// <summary>Comma-separated values with a header row.</summary>
    Csv,

    /// <summary>A JSON list of {"query", "predicted", "confidence"}.</summary>
    Json,
}

/// <summary>
/// <c>metalearn classify</c>: adapt a checkpoint to a support folder (one sub-folder of images per class) and predict
/// each query image's class. Images (PNG, JPEG, BMP, GIF, TGA) are converted the way the training data was: Omniglot
/// checkpoints see 28x28 grayscale with ink = 1 on 0, area-resized from any size, the ink polarity decided per image.
/// Each answer depends on its query image and the support folder only (batch norm uses the support set's statistics).
/// </summary>
internal static class ClassifyCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { HelpName = "file", Description = "A classification checkpoint in its run directory.", Required = true };
        var support = new Option<string>("--support") { HelpName = "dir", Description = "Folder with one sub-folder of images per class (1..K images each; PNG, JPEG, BMP, GIF or TGA).", Required = true };
        var query = new Option<string[]>("--query") { HelpName = "path", Description = "Query images or folders of them (repeatable).", Required = true, AllowMultipleArgumentsPerToken = true };
        var format = CliOptions.Choice("--format", "Output format.", ClassifyFormat.Table);
        var command = new Command("classify", "Classify your own images: adapt a checkpoint to a support folder and predict each query's class.") { checkpoint, support, query, format };
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            try
            {
                string path = parse.GetValue(checkpoint)!;
                RunConfig config = RunSetup.ConfigBeside(path);
                Capability offered = config.Learner.Capabilities.GetValueOrDefault(config.Task.Kind);
                if (!offered.HasFlag(Capability.Classify))
                {
                    throw new UsageException(
                        $"checkpoint '{path}' holds {config.Learner.Name} trained on {config.Task.Name} {config.Task.Kind.ToString().ToLowerInvariant()} tasks, which offers {offered.Describe()}; " +
                        "classify needs a learner with the classify capability (a classification checkpoint, e.g. from protonet-omniglot-5w1s).");
                }
                var images = new ImageInputs(config.Shape, error);
                (Tensor inputs, int[] labels, string[] classes) = ReadSupport(parse.GetValue(support)!, images);
                if (config.Learner.FixedWays && classes.Length != config.Int("ways"))
                {
                    throw new UsageException(
                        $"the support folder has {classes.Length} classes but this {config.Learner.Name} checkpoint has a {config.Int("ways")}-way head; " +
                        $"give {config.Int("ways")} class folders, or use a checkpoint of a learner without a fixed head ({string.Join(", ", Registrations.Learners.Where(l => !l.FixedWays && l.Capabilities.GetValueOrDefault(TaskKind.Classification).HasFlag(Capability.Classify)).Select(l => l.Name))}).");
                }
                string[] queries = ImageInputs.Expand("--query", parse.GetValue(query)!);
                IMetaLearner learner = RunSetup.BuildLearner(config);
                LearnerState state = RunSetup.LoadCheckpoint(learner, path);
                learner.Model.Train(); // batch statistics of the support set; every query is normalised with them (one answer per image)
                var classifier = (IClassifier)learner.Adapt(state, new SupportSet(inputs, labels, null, classes.Length), new Rng(EvalCommand.TestSeed));
                Tensor probabilities = classifier.Predict(images.Stack([.. queries.Select(images.Read)])).Softmax(1);
                var rows = new List<(string Query, string Predicted, double Confidence)>();
                for (int q = 0; q < queries.Length; q++)
                {
                    int best = 0;
                    for (int c = 1; c < classes.Length; c++)
                    {
                        best = probabilities[(q * classes.Length) + c] > probabilities[(q * classes.Length) + best] ? c : best;
                    }
                    rows.Add((queries[q], classes[best], probabilities[(q * classes.Length) + best]));
                }
                Print(output, rows, format.ValueIn(parse));
                return 0;
            }
            catch (UsageException e)
            {
                error.WriteLine($"classify: {e.Message}");
                return 2;
            }
            catch (ArgumentException e)
            {
                // A setting the learner or task sampler refuses (e.g. more ways than the split has classes).
                error.WriteLine($"classify: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                error.WriteLine($"classify: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>
    /// One class per sub-folder (hidden folders skipped), its images by <see cref="ImageFiles"/>'s rule (every supported
    /// format, any letter case, hidden files skipped), each converted to the training format by <see cref="ImageInputs"/>.
    /// </summary>
    private static (Tensor Inputs, int[] Labels, string[] Classes) ReadSupport(string dir, ImageInputs reader)
    {
        if (!Directory.Exists(dir))
        {
            throw new UsageException($"support folder '{dir}' does not exist; give a folder with one sub-folder of images per class, e.g. support/cat/1.png.");
        }
        string[] classDirs = [.. Directory.GetDirectories(dir).Where(d => !ImageFiles.IsHidden(d)).Order(StringComparer.Ordinal)];
        if (classDirs.Length < 2)
        {
            throw new UsageException($"support folder '{dir}' has {classDirs.Length} class folder{(classDirs.Length == 1 ? "" : "s")}; add a sub-folder of images for each of at least two classes.");
        }
        var images = new List<float[]>();
        var labels = new List<int>();
        for (int c = 0; c < classDirs.Length; c++)
        {
            IReadOnlyList<string> files;
            try
            {
                files = ImageFiles.InFolder(classDirs[c]);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                throw new UsageException($"support class folder '{classDirs[c]}': {e.Message}");
            }
            foreach (string file in files)
            {
                images.Add(reader.Read(file));
                labels.Add(c);
            }
        }
        return (reader.Stack(images), [.. labels], [.. classDirs.Select(Path.GetFileName)!]);
    }

    private static void Print(TextWriter output, List<(string Query, string Predicted, double Confidence)> rows, ClassifyFormat format)
    {
        switch (format)
        {
            case ClassifyFormat.Json:
                output.WriteLine(new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
                {
                    ["query"] = r.Query, ["predicted"] = r.Predicted, ["confidence"] = Math.Round(r.Confidence, 6),
                })]).ToJsonString());
                break;
            case ClassifyFormat.Csv:
                output.WriteLine("query,predicted,confidence");
                foreach (var r in rows)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Csv(r.Query)},{Csv(r.Predicted)},{r.Confidence:F4}"));
                }
                break;
            default:
                int qw = Math.Max(5, rows.Max(r => r.Query.Length)), pw = Math.Max(9, rows.Max(r => r.Predicted.Length));
                output.WriteLine($"| {"query".PadRight(qw)} | {"predicted".PadRight(pw)} | confidence |");
                output.WriteLine($"|{new string('-', qw + 2)}|{new string('-', pw + 2)}|-----------:|");
                foreach (var r in rows)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Query.PadRight(qw)} | {r.Predicted.PadRight(pw)} | {r.Confidence,10:F4} |"));
                }
                break;
        }
    }

    private static string Csv(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}

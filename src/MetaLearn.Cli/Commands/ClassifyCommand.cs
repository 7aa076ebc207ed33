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
/// <c>metalearn classify</c>: adapt a checkpoint to a support folder (one sub-folder of PNG images per class) and
/// predict each query image's class. Images are converted the way the training data was: Omniglot checkpoints see
/// 28x28 grayscale with ink = 1 (dark strokes on light paper become 1 on 0), area-resized from any size.
/// </summary>
internal static class ClassifyCommand
{
    private const int ImageSize = 28;

    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { HelpName = "file", Description = "A classification checkpoint in its run directory.", Required = true };
        var support = new Option<string>("--support") { HelpName = "dir", Description = "Folder with one sub-folder of PNG images per class (1..K images each).", Required = true };
        var query = new Option<string[]>("--query") { HelpName = "path", Description = "Query PNG images or folders of them (repeatable).", Required = true, AllowMultipleArgumentsPerToken = true };
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
                (Tensor inputs, int[] labels, string[] classes) = ReadSupport(parse.GetValue(support)!);
                if (config.Learner.FixedWays && classes.Length != config.Int("ways"))
                {
                    throw new UsageException(
                        $"the support folder has {classes.Length} classes but this {config.Learner.Name} checkpoint has a {config.Int("ways")}-way head; " +
                        $"give {config.Int("ways")} class folders, or use a checkpoint of a learner without a fixed head ({string.Join(", ", Registrations.Learners.Where(l => !l.FixedWays && l.Capabilities.GetValueOrDefault(TaskKind.Classification).HasFlag(Capability.Classify)).Select(l => l.Name))}).");
                }
                string[] queries = ExpandQueries(parse.GetValue(query)!);
                IMetaLearner learner = RunSetup.BuildLearner(config);
                LearnerState state = RunSetup.LoadCheckpoint(learner, path);
                learner.Model.Train(); // batch statistics, as in training and evaluation (the transductive protocol)
                var classifier = (IClassifier)learner.Adapt(state, new SupportSet(inputs, labels, null, classes.Length), new Rng(EvalCommand.TestSeed));
                Tensor probabilities = classifier.Predict(Stack(queries.Select(ReadImage).ToArray())).Softmax(1);
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

    private static (Tensor Inputs, int[] Labels, string[] Classes) ReadSupport(string dir)
    {
        ImageFolderDataset folder;
        try
        {
            folder = ImageFolderDataset.Open(dir, grayscale: true, imageSize: ImageSize);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new UsageException(e.Message);
        }
        if (folder.ClassCount < 2)
        {
            throw new UsageException($"support folder '{dir}' has {folder.ClassCount} class; add a sub-folder of images for each of at least two classes.");
        }
        var images = new List<float[]>();
        var labels = new List<int>();
        for (int c = 0; c < folder.ClassCount; c++)
        {
            for (int i = 0; i < folder.SampleCount(c); i++)
            {
                var pixels = new float[ImageSize * ImageSize];
                try
                {
                    folder.ReadSample(c, i, pixels);
                }
                catch (PngFormatException e)
                {
                    throw new UsageException($"cannot decode support image '{folder.FilePath(c, i)}': {e.Message} Replace it with a valid PNG.");
                }
                Invert(pixels);
                images.Add(pixels);
                labels.Add(c);
            }
        }
        return (Stack([.. images]), [.. labels], [.. Enumerable.Range(0, folder.ClassCount).Select(folder.ClassName)]);
    }

    private static string[] ExpandQueries(string[] paths)
    {
        var files = new List<string>();
        foreach (string p in paths)
        {
            if (Directory.Exists(p))
            {
                files.AddRange(Directory.EnumerateFiles(p, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(p))
            {
                files.Add(p);
            }
            else
            {
                throw new UsageException($"query '{p}' is neither an image nor a folder.");
            }
        }
        return files.Count > 0 ? [.. files] : throw new UsageException("no query PNG images were found in the given --query paths.");
    }

    /// <summary>Any PNG to the training format: gray, ink = 1, area-resized to 28x28.</summary>
    private static float[] ReadImage(string path)
    {
        PngImage png;
        try
        {
            png = PngDecoder.DecodeFile(path);
        }
        catch (PngFormatException e)
        {
            throw new UsageException($"cannot decode query image '{path}': {e.Message} Give a valid PNG.");
        }
        float[] pixels = ImageResize.Area(png.ToGray(), 1, png.Height, png.Width, ImageSize, ImageSize);
        Invert(pixels);
        return pixels;
    }

    private static void Invert(float[] pixels)
    {
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = 1f - pixels[i];
        }
    }

    private static Tensor Stack(float[][] images)
    {
        var all = new float[images.Length * ImageSize * ImageSize];
        for (int i = 0; i < images.Length; i++)
        {
            images[i].CopyTo(all, i * ImageSize * ImageSize);
        }
        return Tensor.FromArray(all, images.Length, 1, ImageSize, ImageSize);
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

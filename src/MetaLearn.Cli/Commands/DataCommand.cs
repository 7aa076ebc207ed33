using System.CommandLine;
using System.Text.Json;
using MetaLearn.Data;

namespace MetaLearn.Cli.Commands;

/// <summary><c>metalearn data verify PATH</c> and <c>metalearn data download omniglot --to DIR</c>.</summary>
internal static class DataCommand
{
    public static Command Create() => new("data", "Check and fetch datasets.") { Verify(), Download() };

    private static Command Verify()
    {
        var path = new Argument<string>("path")
        {
            Description = "A dataset zip or folder: an Omniglot zip or its extracted folder, the folder holding the Omniglot sets (as --set data= takes), or a folder with one sub-folder of images per class.",
        };
        var decode = CliOptions.WholeNumber("--decode", "count|all",
            "How many images to decode as a check: a number (spread evenly, the same files every run) or 'all'.",
            min: 0, defaultValue: 100, word: ("all", DatasetVerifyOptions.All));
        var format = CliOptions.Choice("--format", "Output format.", OutputFormat.Table);
        var command = new Command("verify", "Count classes and images, decode a sample, and compare checksums of the official zips.") { path, decode, format };
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            var options = new DatasetVerifyOptions { DecodeCount = parse.GetValue(decode) };
            bool json = format.ValueIn(parse) == OutputFormat.Json;
            string target = parse.GetValue(path)!;
            if (!File.Exists(target) && !Directory.Exists(target))
            {
                error.WriteLine($"data verify: '{target}' is neither a file nor a folder. Give the path of a dataset zip or folder.");
                return 2;
            }
            if (Directory.Exists(target) && DatasetVerifier.FindOmniglotSets(target) is { Count: > 0 } sets)
            {
                return VerifyOmniglotRoot(Path.GetFullPath(target), sets, options with { Layout = DatasetLayout.Omniglot }, json, output);
            }
            DatasetReport report = DatasetVerifier.Verify(target, options);
            output.WriteLine(json ? JsonSerializer.Serialize(ToJson(report)) : report.ToString());
            return report.IsValid ? 0 : 1;
        });
        return command;
    }

    /// <summary>
    /// The folder holding the Omniglot sets, as <c>--set data=DIR</c> takes it: each set in it verified on its own (a
    /// folder's check does not open the zips in it), and the sets training reads that are not there named.
    /// </summary>
    private static int VerifyOmniglotRoot(string root, IReadOnlyList<(OmniglotSet Set, string Path)> sets, DatasetVerifyOptions options, bool json, TextWriter output)
    {
        DatasetReport[] reports = [.. sets.Select(s => DatasetVerifier.Verify(s.Path, options))];
        string[] missing = [.. TrainingSets.Except(sets.Select(s => s.Set)).Select(s => s.FileStem())];
        bool valid = reports.All(r => r.IsValid);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                path = root,
                layout = "OmniglotRoot",
                sets = reports.Select(ToJson).ToArray(),
                missing,
                valid,
            }));
            return valid ? 0 : 1;
        }
        string found = string.Join(", ", sets.Select(s => Path.GetFileName(s.Path)));
        string reads = $"Omniglot root {root} ({found}): `--set data={root}` reads {string.Join(" and ", TrainingSets.Select(s => s.FileStem()))}";
        output.WriteLine(missing.Length == 0
            ? $"{reads} from it."
            : reads + (missing.Length == 1 ? $"; {missing[0]} is not here" : ", which are not here") +
              $" (as a zip or an extracted folder): fetch {(missing.Length == 1 ? "it" : "them")} with `metalearn data download omniglot --to {root}`.");
        foreach (DatasetReport report in reports)
        {
            output.WriteLine(report.ToString());
        }
        return valid ? 0 : 1;
    }

    /// <summary>The sets training reads from an Omniglot root (the omniglot task family's data key).</summary>
    private static readonly OmniglotSet[] TrainingSets = [OmniglotSet.Background, OmniglotSet.Evaluation];

    private static object ToJson(DatasetReport report) => new
    {
        path = report.Path,
        layout = report.Layout.ToString(),
        alphabets = report.Alphabets,
        classes = report.Classes,
        images = report.Images,
        decoded = report.Decoded,
        sha256 = report.Checksum?.Actual,
        checksum = report.Checksum?.Status.ToString(),
        valid = report.IsValid,
        problems = report.Problems.Select(p => p.ToString()).ToArray(),
    };

    private static Command Download()
    {
        var dataset = new Argument<string>("dataset") { Description = "The dataset to fetch: omniglot." };
        var to = new Option<string>("--to") { HelpName = "dir", Description = "Folder to write the zips into.", Required = true };
        var sets = CliOptions.Choices("--set", "name", $"Which zips (repeatable): {string.Join(", ", CliOptions.Names<OmniglotSet>())}.",
            OmniglotSet.Background, OmniglotSet.Evaluation);
        var mirror = new Option<Uri?>("--mirror")
        {
            HelpName = "url",
            Description = $"Where to fetch the zips instead of {DatasetDownloader.OmniglotBaseUrl}: an http(s) URL, or a folder (a path or file:// URL) that holds them.",
            CustomParser = MirrorUri,
        };
        var command = new Command("download", "Fetch the official Omniglot zips, verify their checksums, and write them atomically.") { dataset, to, sets, mirror };
        command.SetAction(async (parse, cancel) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            if (!string.Equals(parse.GetValue(dataset), "omniglot", StringComparison.OrdinalIgnoreCase))
            {
                error.WriteLine($"data download: unknown dataset '{parse.GetValue(dataset)}'; the one that can be downloaded is 'omniglot'.");
                return 2;
            }
            var options = new DownloadOptions { BaseUri = parse.GetValue(mirror) };
            foreach (OmniglotSet set in sets.ValueIn(parse))
            {
                try
                {
                    DownloadResult result = await DatasetDownloader.DownloadOmniglotAsync(set, parse.GetValue(to)!, options, cancel);
                    string check = result.Checksum.Status == ChecksumStatus.ContentVerified
                        ? "sha256 differs from the project's recorded copy; contents verified: the official counts, every drawing decodes"
                        : $"sha256 {result.Checksum.Status}";
                    output.WriteLine($"{(result.Downloaded ? "downloaded" : "already present")} {result.Path} ({result.Bytes:N0} bytes, {check})");
                }
                catch (DatasetDownloadException e)
                {
                    // The library's advice names DownloadOptions properties; this command's user has flags instead.
                    error.WriteLine($"data download: {e.Problem} {Advice(e, mirrored: options.BaseUri is not null)}");
                    return 1;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"data download: {e.Message}");
                    return 1;
                }
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The --mirror value as a folder URL: an http(s) or file:// URL as given, or a folder path (relative to the current
    /// folder, or absolute) as a file:// URL. Anything else is a usage error naming the flag.
    /// </summary>
    private static Uri? MirrorUri(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens[^1].Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out Uri? uri))
        {
            if (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.IsFile)
            {
                return uri;
            }
        }
        else if (text.Trim().Length > 0 && !text.Contains("://", StringComparison.Ordinal))
        {
            return new Uri(Path.GetFullPath(text));
        }
        CliOptions.Refuse(result, "--mirror", "an http(s) URL, or a folder (a path or file:// URL)", text);
        return null;
    }

    /// <summary>What to do about a failed download, in this command's terms (the library's message names DownloadOptions).</summary>
    private static string Advice(DatasetDownloadException e, bool mirrored)
    {
        string file = Path.GetFileName(e.Destination), folder = Path.GetDirectoryName(e.Destination)!;
        return e.Failure switch
        {
            DownloadFailure.Unreachable or DownloadFailure.TimedOut =>
                $"If this machine has no network, download {e.Url} elsewhere and copy it to '{e.Destination}', or pass --mirror with a folder or web address that holds the zips.",
            DownloadFailure.HttpError => mirrored
                ? $"Check the --mirror address: it must be the folder that holds {file}."
                : $"The file may have moved: download it by hand from {OmniglotSets.DownloadUrl} into '{folder}', or pass --mirror with a copy.",
            DownloadFailure.MissingLocalFile => $"Check the --mirror folder: it must hold {file}.",
            DownloadFailure.ChecksumMismatch => "The transfer was damaged or the file is not the official one: run the command again, or fetch it from another --mirror.",
            DownloadFailure.ExistingFileDiffers => "Delete it and run the command again to download it anew.",
            _ => "",
        };
    }
}

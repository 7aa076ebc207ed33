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
        var path = new Argument<string>("path") { Description = "A dataset folder or zip: Omniglot layout or one sub-folder per class." };
        var decode = CliOptions.WholeNumber("--decode", "count|all",
            "How many images to decode as a check: a number (spread evenly, the same files every run) or 'all'.",
            min: 0, defaultValue: 100, word: ("all", DatasetVerifyOptions.All));
        var format = CliOptions.Choice("--format", "Output format.", OutputFormat.Table);
        var command = new Command("verify", "Count classes and images, decode a sample, and compare checksums of the official zips.") { path, decode, format };
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            int count = parse.GetValue(decode);
            string target = parse.GetValue(path)!;
            if (!File.Exists(target) && !Directory.Exists(target))
            {
                error.WriteLine($"data verify: '{target}' is neither a file nor a folder. Give the path of a dataset zip or folder.");
                return 2;
            }
            DatasetReport report = DatasetVerifier.Verify(target, new DatasetVerifyOptions { DecodeCount = count });
            if (format.ValueIn(parse) == OutputFormat.Json)
            {
                output.WriteLine(JsonSerializer.Serialize(new
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
                }));
            }
            else
            {
                output.WriteLine(report.ToString());
            }
            return report.IsValid ? 0 : 1;
        });
        return command;
    }

    private static Command Download()
    {
        var dataset = new Argument<string>("dataset") { Description = "The dataset to fetch: omniglot." };
        var to = new Option<string>("--to") { HelpName = "dir", Description = "Folder to write the zips into.", Required = true };
        var sets = CliOptions.Choices("--set", "name", $"Which zips (repeatable): {string.Join(", ", CliOptions.Names<OmniglotSet>())}.",
            OmniglotSet.Background, OmniglotSet.Evaluation);
        var mirror = new Option<string?>("--mirror") { HelpName = "url", Description = $"Base URL to fetch from instead of {DatasetDownloader.OmniglotBaseUrl} (http(s) or file://)." };
        var command = new Command("download", "Fetch the official Omniglot zips, verify their checksums, and write them atomically.") { dataset, to, sets, mirror };
        command.SetAction(async (parse, cancel) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            if (!string.Equals(parse.GetValue(dataset), "omniglot", StringComparison.OrdinalIgnoreCase))
            {
                error.WriteLine($"data download: unknown dataset '{parse.GetValue(dataset)}'; the one that can be downloaded is 'omniglot'.");
                return 2;
            }
            var options = new DownloadOptions { BaseUri = parse.GetValue(mirror) is { } m ? new Uri(m.EndsWith('/') ? m : m + "/") : null };
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
                    error.WriteLine($"data download: {e.Message}");
                    return 1;
                }
            }
            return 0;
        });
        return command;
    }
}

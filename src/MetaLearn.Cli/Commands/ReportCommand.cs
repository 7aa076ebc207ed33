using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MetaLearn.Algorithms;
using MetaLearn.Cli.Registry;
using MetaLearn.Cli.Reporting;
using MetaLearn.Data;
using MetaLearn.NN;

namespace MetaLearn.Cli.Commands;

/// <summary>
/// <c>metalearn report RUN_DIR</c>: one self-contained HTML file (inline SVG and CSS, no scripts, no network) with
/// every logged metric against step and wall-clock, the configuration and the final evaluation.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var runDir = new Argument<string>("run-dir") { Description = "A run directory written by metalearn train." };
        var output = new Option<string?>("--out") { HelpName = "file", Description = "Where to write the HTML (default RUN_DIR/report.html)." };
        var command = new Command("report", "Write a self-contained HTML report of a run: learning curves, configuration, final evaluation.") { runDir, output };
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output, stderr = parse.InvocationConfiguration.Error;
            string dir = parse.GetValue(runDir)!;
            string metrics = Path.Combine(dir, MetaTrainer.MetricsFile);
            if (!File.Exists(metrics))
            {
                stderr.WriteLine($"report: '{dir}' has no {MetaTrainer.MetricsFile}; give a run directory written by metalearn train.");
                return 2;
            }
            string target = parse.GetValue(output) ?? Path.Combine(dir, "report.html");
            string html;
            try
            {
                html = Render(dir);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                stderr.WriteLine($"report: a file of '{dir}' is damaged ({e.Message.ReplaceLineEndings(" ")}); check {MetaTrainer.MetricsFile} and final_eval.json, or rerun the training.");
                return 1;
            }
            catch (UsageException e)
            {
                stderr.WriteLine($"report: {e.Message}");
                return 2;
            }
            try
            {
                AtomicFile.Write(target, s => s.Write(Encoding.UTF8.GetBytes(html)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                stderr.WriteLine($"report: cannot write '{target}': {e.Message} Give a writable --out file.");
                return 1;
            }
            stdout.WriteLine($"wrote {target}");
            return 0;
        });
        return command;
    }

    private sealed record Point(long Step, double Seconds, Dictionary<string, double> Training, Dictionary<string, double> Validation, string? Headline);

    /// <summary>The HTML page for the run in <paramref name="dir"/>.</summary>
    public static string Render(string dir)
    {
        var points = new List<Point>();
        var skipped = new List<int>();
        double offset = 0, previous = 0;
        int sessions = 1, number = 0;
        foreach (string line in File.ReadLines(Path.Combine(dir, MetaTrainer.MetricsFile)))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }
            if (MetricsLog.TryParseStep(line) is null)
            {
                skipped.Add(number); // torn by a crash or a full disk: resuming drops it too
                continue;
            }
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement e = doc.RootElement;
            double seconds = e.TryGetProperty("elapsed_s", out JsonElement el) && el.ValueKind == JsonValueKind.Number ? el.GetDouble() : previous;
            if (seconds < previous)
            {
                offset += previous; // a resumed process restarts its clock: make wall-clock cumulative
                sessions++;
            }
            previous = seconds;
            var training = new Dictionary<string, double>();
            var validation = new Dictionary<string, double>();
            string? headline = null;
            foreach (JsonProperty p in e.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Number && !MetaTrainer.ReservedKeys.Contains(p.Name))
                {
                    training[p.Name] = p.Value.GetDouble();
                }
            }
            if (e.TryGetProperty("validation", out JsonElement v) && v.ValueKind == JsonValueKind.Object)
            {
                headline = v.TryGetProperty("metric", out JsonElement m) ? m.GetString() : null;
                if (v.TryGetProperty("metrics", out JsonElement all) && all.ValueKind == JsonValueKind.Object)
                {
                    foreach (JsonProperty p in all.EnumerateObject())
                    {
                        if (p.Value.TryGetProperty("mean", out JsonElement mean) && mean.ValueKind == JsonValueKind.Number)
                        {
                            validation[p.Name] = mean.GetDouble();
                        }
                    }
                }
                else if (headline is not null && v.TryGetProperty("mean", out JsonElement mean) && mean.ValueKind == JsonValueKind.Number)
                {
                    validation[headline] = mean.GetDouble(); // written by an earlier version: the headline metric only
                }
            }
            points.Add(new Point(e.GetProperty("step").GetInt64(), offset + seconds, training, validation, headline));
        }
        string configPath = Path.Combine(dir, RunConfig.FileName);
        string config = File.Exists(configPath) ? File.ReadAllText(configPath) : "(no config.json)";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>metalearn report: ")
            .Append(WebUtility.HtmlEncode(Path.GetFileName(Path.GetFullPath(dir).TrimEnd('/')))).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}figure{display:inline-block;margin:0 1em 1em 0}")
            .Append("pre{background:#f4f4f4;padding:1em;overflow:auto}svg text{font-size:11px;fill:#444}.note{color:#a33}</style></head><body>\n")
            .Append("<h1>Run ").Append(WebUtility.HtmlEncode(Path.GetFullPath(dir))).Append("</h1>\n");
        if (points.Count > 0)
        {
            Point last = points[^1];
            string losses = last.Training.TryGetValue("loss", out double loss) ? string.Create(CultureInfo.InvariantCulture, $"; last loss {loss:G4}") : "";
            html.Append(CultureInfo.InvariantCulture,
                $"<p>{last.Step} steps, {last.Seconds:F1} s of training including validation{(sessions > 1 ? $", over {sessions} sessions (resumed)" : "")}{losses}.</p>\n");
        }
        if (skipped.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<p class=\"note\">{MetaTrainer.MetricsFile} line{(skipped.Count > 1 ? "s" : "")} {string.Join(", ", skipped)} could not be read (cut off by a crash or a full disk) and {(skipped.Count > 1 ? "were" : "was")} skipped.</p>\n");
        }
        AppendFinalEvaluation(html, Path.Combine(dir, Commands.TrainCommand.FinalEvalFile));
        html.Append("<h2>Learning curves</h2>\n");
        foreach (string name in points.SelectMany(p => p.Training.Keys).Distinct())
        {
            var series = points.Where(p => p.Training.ContainsKey(name)).ToList();
            html.Append(Chart($"training {name} vs step", "step", series.Select(p => ((double)p.Step, p.Training[name]))))
                .Append(Chart($"training {name} vs wall-clock", "seconds", series.Select(p => (p.Seconds, p.Training[name]))))
                .Append('\n');
        }
        string? headlineMetric = points.LastOrDefault(p => p.Headline is not null)?.Headline;
        foreach (string name in points.SelectMany(p => p.Validation.Keys).Distinct().OrderBy(n => n == headlineMetric ? 0 : 1))
        {
            var series = points.Where(p => p.Validation.ContainsKey(name)).ToList();
            html.Append(Chart($"validation {name} vs step", "step", series.Select(p => ((double)p.Step, p.Validation[name]))))
                .Append(Chart($"validation {name} vs wall-clock", "seconds", series.Select(p => (p.Seconds, p.Validation[name]))))
                .Append('\n');
        }
        string? checkpoint = new[] { MetaTrainer.BestCheckpoint, MetaTrainer.LastCheckpoint }.Select(f => Path.Combine(dir, f)).FirstOrDefault(File.Exists);
        if (checkpoint is not null && File.Exists(configPath))
        {
            RunConfig run = RunConfig.Load(configPath);
            if (run.Task.Kind == TaskKind.Regression)
            {
                html.Append($"\n<h2>Adapted predictions ({WebUtility.HtmlEncode(Path.GetFileName(checkpoint))}, new tasks)</h2>\n");
                foreach (string chart in RegressionFits.Render(run, checkpoint))
                {
                    html.Append(chart);
                }
            }
        }
        html.Append("\n<h2>Configuration</h2>\n<pre>").Append(WebUtility.HtmlEncode(config)).Append("</pre>\n</body></html>\n");
        return html.ToString();
    }

    private static void AppendFinalEvaluation(StringBuilder html, string path)
    {
        if (!File.Exists(path))
        {
            return;
        }
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement r = doc.RootElement;
        string Format(JsonElement mean, JsonElement ci) => mean.ValueKind == JsonValueKind.Number
            ? string.Create(CultureInfo.InvariantCulture, $"{mean.GetDouble():F4} ± {ci.GetDouble():F4}")
            : "not finite";
        html.Append(CultureInfo.InvariantCulture,
            $"<h2>Final evaluation</h2>\n<p class=\"final\">{WebUtility.HtmlEncode(r.GetProperty("metric").GetString())} {Format(r.GetProperty("mean"), r.GetProperty("ci95"))} (95% CI over {r.GetProperty("episodes").GetInt32()} test episodes)</p>\n");
        if (r.TryGetProperty("metrics", out JsonElement all) && all.ValueKind == JsonValueKind.Object)
        {
            html.Append("<p>");
            html.AppendJoin("; ", all.EnumerateObject().Select(m => $"{WebUtility.HtmlEncode(m.Name)} {Format(m.Value.GetProperty("mean"), m.Value.GetProperty("ci95"))}"));
            html.Append("</p>\n");
        }
    }

    private static string Chart(string title, string xLabel, IEnumerable<(double X, double Y)> data)
        => SvgChart.Render(title, xLabel, new Series(title, [.. data], "#1f77b4"));
}

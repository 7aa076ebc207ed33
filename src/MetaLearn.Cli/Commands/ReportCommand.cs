using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MetaLearn.Algorithms;
using MetaLearn.Cli.Reporting;
using MetaLearn.Cli.Training;

namespace MetaLearn.Cli.Commands;

/// <summary>
/// <c>metalearn report RUN_DIR</c>: one self-contained HTML file (inline SVG and CSS, no scripts, no network) with
/// the learning curves from metrics.jsonl against step and wall-clock, the configuration and the final evaluation.
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
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                stderr.WriteLine($"report: a file of '{dir}' is damaged ({e.Message.ReplaceLineEndings(" ")}); check {MetaTrainer.MetricsFile} and final_eval.json, or rerun the training.");
                return 1;
            }
            File.WriteAllText(target, html);
            stdout.WriteLine($"wrote {target}");
            return 0;
        });
        return command;
    }

    private sealed record Point(long Step, double Seconds, double Loss, double? Validation);

    /// <summary>The HTML page for the run in <paramref name="dir"/>.</summary>
    public static string Render(string dir)
    {
        var points = new List<Point>();
        string metric = "validation";
        double offset = 0, previous = 0;
        int metricsLine = 0;
        foreach (string line in File.ReadLines(Path.Combine(dir, MetaTrainer.MetricsFile)))
        {
            metricsLine++;
            if (line.Length == 0)
            {
                continue;
            }
            using JsonDocument doc = ParseLine(line, metricsLine);
            JsonElement e = doc.RootElement;
            double seconds = e.GetProperty("elapsed_s").GetDouble();
            if (seconds < previous)
            {
                offset += previous; // a resumed process restarts its clock: make wall-clock cumulative
            }
            previous = seconds;
            double? validation = null;
            if (e.TryGetProperty("validation", out JsonElement v) && v.ValueKind == JsonValueKind.Object)
            {
                validation = v.GetProperty("mean").GetDouble();
                metric = "validation " + v.GetProperty("metric").GetString();
            }
            points.Add(new Point(e.GetProperty("step").GetInt64(), offset + seconds, e.GetProperty("loss").GetDouble(), validation));
        }
        string config = File.Exists(Path.Combine(dir, TrainConfig.FileName)) ? File.ReadAllText(Path.Combine(dir, TrainConfig.FileName)) : "(no config.json)";
        string finalEval = Path.Combine(dir, TrainCommand.FinalEvalFile);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>metalearn report: ")
            .Append(WebUtility.HtmlEncode(Path.GetFileName(Path.GetFullPath(dir).TrimEnd('/')))).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}figure{display:inline-block;margin:0 1em 1em 0}")
            .Append("pre{background:#f4f4f4;padding:1em;overflow:auto}svg text{font-size:11px;fill:#444}</style></head><body>\n")
            .Append("<h1>Run ").Append(WebUtility.HtmlEncode(Path.GetFullPath(dir))).Append("</h1>\n");
        if (points.Count > 0)
        {
            Point last = points[^1];
            html.Append(CultureInfo.InvariantCulture, $"<p>{last.Step} steps, {last.Seconds:F1} s of training; last loss {last.Loss:G4}.</p>\n");
        }
        if (File.Exists(finalEval))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(finalEval));
            JsonElement r = doc.RootElement;
            html.Append(CultureInfo.InvariantCulture,
                $"<h2>Final evaluation</h2>\n<p class=\"final\">{WebUtility.HtmlEncode(r.GetProperty("metric").GetString())} {r.GetProperty("mean").GetDouble():F4} ± {r.GetProperty("ci95").GetDouble():F4} (95% CI over {r.GetProperty("episodes").GetInt32()} test episodes)</p>\n");
        }
        html.Append("<h2>Learning curves</h2>\n");
        var validated = points.Where(p => p.Validation is not null).ToList();
        html.Append(Chart("training loss vs step", "step", points.Select(p => ((double)p.Step, p.Loss))))
            .Append(Chart("training loss vs wall-clock", "seconds", points.Select(p => (p.Seconds, p.Loss))))
            .Append('\n')
            .Append(Chart($"{metric} vs step", "step", validated.Select(p => ((double)p.Step, p.Validation!.Value))))
            .Append(Chart($"{metric} vs wall-clock", "seconds", validated.Select(p => (p.Seconds, p.Validation!.Value))));
        string? checkpoint = new[] { MetaTrainer.BestCheckpoint, MetaTrainer.LastCheckpoint }.Select(f => Path.Combine(dir, f)).FirstOrDefault(File.Exists);
        if (checkpoint is not null && File.Exists(Path.Combine(dir, TrainConfig.FileName)))
        {
            TrainConfig run = TrainConfig.Load(Path.Combine(dir, TrainConfig.FileName));
            if (!run.IsClassification)
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

    private static string Chart(string title, string xLabel, IEnumerable<(double X, double Y)> data)
        => SvgChart.Render(title, xLabel, new Series(title, [.. data], "#1f77b4"));

    private static JsonDocument ParseLine(string line, int number)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{MetaTrainer.MetricsFile} line {number} is not valid JSON: {e.Message}", e);
        }
    }
}

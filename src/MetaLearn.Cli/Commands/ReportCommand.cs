using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MetaLearn.Algorithms;
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
            File.WriteAllText(target, Render(dir));
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
        foreach (string line in File.ReadLines(Path.Combine(dir, MetaTrainer.MetricsFile)))
        {
            if (line.Length == 0)
            {
                continue;
            }
            using JsonDocument doc = JsonDocument.Parse(line);
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
        html.Append("\n<h2>Configuration</h2>\n<pre>").Append(WebUtility.HtmlEncode(config)).Append("</pre>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>An inline SVG line chart with min/max labels on both axes.</summary>
    private static string Chart(string title, string xLabel, IEnumerable<(double X, double Y)> data)
    {
        const int Width = 420, Height = 260, Left = 60, Right = 15, Top = 25, Bottom = 40;
        var pts = data.Where(p => double.IsFinite(p.Y)).ToList();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\">")
            .Append(CultureInfo.InvariantCulture, $"<title>{WebUtility.HtmlEncode(title)}</title>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"15\" style=\"font-size:13px;fill:#000\">{WebUtility.HtmlEncode(title)}</text>")
            .Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#bbb\"/>");
        if (pts.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 10}\" y=\"{Height / 2}\">no data</text>");
        }
        else
        {
            double x0 = pts.Min(p => p.X), x1 = pts.Max(p => p.X), y0 = pts.Min(p => p.Y), y1 = pts.Max(p => p.Y);
            if (x1 == x0)
            {
                x1 = x0 + 1;
            }
            if (y1 == y0)
            {
                y1 = y0 + 1;
            }
            double Sx(double x) => Left + ((x - x0) / (x1 - x0) * (Width - Left - Right));
            double Sy(double y) => Height - Bottom - ((y - y0) / (y1 - y0) * (Height - Top - Bottom));
            svg.Append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"")
                .AppendJoin(' ', pts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{Sx(p.X):F1},{Sy(p.Y):F1}"))).Append("\"/>");
            if (pts.Count == 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Sx(pts[0].X):F1}\" cy=\"{Sy(pts[0].Y):F1}\" r=\"3\" fill=\"#1f77b4\"/>");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 5}\" y=\"{Top + 10}\" text-anchor=\"end\">{y1:G4}</text>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 5}\" y=\"{Height - Bottom}\" text-anchor=\"end\">{y0:G4}</text>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height - Bottom + 15}\">{x0:G4}</text>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right}\" y=\"{Height - Bottom + 15}\" text-anchor=\"end\">{x1:G4}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\">{xLabel}</text></svg></figure>");
        return svg.ToString();
    }
}

using System.Globalization;
using System.Net;
using System.Text;

namespace MetaLearn.Cli.Reporting;

/// <summary>One data series of a chart: a line, or markers only.</summary>
internal sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points, string Color, bool Markers = false);

/// <summary>A minimal inline SVG line chart (no scripts, no fonts to fetch): axes' min/max labels, a legend.</summary>
internal static class SvgChart
{
    private const int Width = 420, Height = 260, Left = 60, Right = 15, Top = 25, Bottom = 40;

    public static string Render(string title, string xLabel, params Series[] series)
    {
        var all = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\">")
            .Append(CultureInfo.InvariantCulture, $"<title>{WebUtility.HtmlEncode(title)}</title>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"15\" style=\"font-size:13px;fill:#000\">{WebUtility.HtmlEncode(title)}</text>")
            .Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#bbb\"/>");
        if (all.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 10}\" y=\"{Height / 2}\">no data</text>");
        }
        else
        {
            double x0 = all.Min(p => p.X), x1 = all.Max(p => p.X), y0 = all.Min(p => p.Y), y1 = all.Max(p => p.Y);
            // One distinct value: centre it in a small window around itself, so an accuracy of 0.98 is not drawn on an
            // axis that runs to 1.98.
            (x0, x1) = x1 == x0 ? Around(x0) : (x0, x1);
            (y0, y1) = y1 == y0 ? Around(y0) : (y0, y1);
            double Sx(double x) => Left + ((x - x0) / (x1 - x0) * (Width - Left - Right));
            double Sy(double y) => Height - Bottom - ((y - y0) / (y1 - y0) * (Height - Top - Bottom));
            int legendY = Top + 12;
            foreach (Series s in series)
            {
                var pts = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
                if (s.Markers || pts.Count == 1)
                {
                    foreach ((double x, double y) in pts)
                    {
                        svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Sx(x):F1}\" cy=\"{Sy(y):F1}\" r=\"3\" fill=\"{s.Color}\"/>");
                    }
                }
                else if (pts.Count > 1)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"1.5\" points=\"")
                        .AppendJoin(' ', pts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{Sx(p.X):F1},{Sy(p.Y):F1}"))).Append("\"/>");
                }
                if (series.Length > 1)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right - 5}\" y=\"{legendY}\" text-anchor=\"end\" style=\"fill:{s.Color}\">{WebUtility.HtmlEncode(s.Name)}</text>");
                    legendY += 13;
                }
            }
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 5}\" y=\"{Top + 10}\" text-anchor=\"end\">{y1:G4}</text>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 5}\" y=\"{Height - Bottom}\" text-anchor=\"end\">{y0:G4}</text>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height - Bottom + 15}\">{x0:G4}</text>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right}\" y=\"{Height - Bottom + 15}\" text-anchor=\"end\">{x1:G4}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(xLabel)}</text></svg></figure>");
        return svg.ToString();
    }

    private static (double Low, double High) Around(double v)
    {
        double pad = Math.Max(Math.Abs(v) * 0.01, 1e-3);
        return (v - pad, v + pad);
    }
}

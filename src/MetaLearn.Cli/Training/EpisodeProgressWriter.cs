using System.Diagnostics;

namespace MetaLearn.Cli.Training;

/// <summary>
/// Progress of an evaluation on stderr: on a terminal a line redrawn in place (episodes done, rate, time left); otherwise a
/// plain line every few seconds, so a long test never sits silent.
/// </summary>
internal sealed class EpisodeProgressWriter(TextWriter error, string what, int total, bool live) : IProgress<int>
{
    private static readonly TimeSpan s_plainInterval = TimeSpan.FromSeconds(5);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastLine;

    public void Report(int done)
    {
        TimeSpan elapsed = _clock.Elapsed;
        double rate = done / Math.Max(elapsed.TotalSeconds, 1e-9);
        string left = done < total ? $", about {Math.Ceiling((total - done) / Math.Max(rate, 1e-9)):F0} s left" : $", {elapsed.TotalSeconds:F1} s";
        string line = $"{what}: {done}/{total} episodes ({rate:F0}/s{left})";
        if (live)
        {
            error.Write("\r" + (ProgressBar.Draw(done, total) + " " + line).PadRight(80));
            if (done >= total)
            {
                error.WriteLine();
            }
            error.Flush();
        }
        else if ((done >= total && elapsed > TimeSpan.FromSeconds(2)) || elapsed - _lastLine >= s_plainInterval)
        {
            _lastLine = elapsed;
            error.WriteLine(line);
        }
    }
}

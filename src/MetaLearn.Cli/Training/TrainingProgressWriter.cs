using System.Diagnostics;
using System.Globalization;
using MetaLearn.Algorithms;

namespace MetaLearn.Cli.Training;

/// <summary>
/// Progress lines for <see cref="MetaTrainer"/>: step, rate, ETA, last loss and last validation. A line is written at
/// the first step, at every validation, at the last step, and otherwise at most every <c>interval</c>; each line also
/// goes to the run's log. With <paramref name="live"/> (stderr is a terminal) the console line is also redrawn in
/// place several times a second, and kept (newline) at validations and at the end.
/// (Reported synchronously on the training thread, so lines come in step order.)
/// </summary>
internal sealed class TrainingProgressWriter(TextWriter error, TextWriter log, TimeSpan interval, long resumedFrom, bool live = false) : IProgress<TrainingProgress>
{
    private static readonly TimeSpan s_redraw = TimeSpan.FromMilliseconds(200);
    private readonly Stopwatch _sinceLine = Stopwatch.StartNew();
    private readonly Stopwatch _sinceRedraw = Stopwatch.StartNew();
    private EvaluationResult? _lastValidation;
    private int _liveWidth;

    public void Report(TrainingProgress p)
    {
        _lastValidation = p.Validation ?? _lastValidation;
        bool keep = p.Step == resumedFrom + 1 || p.Validation is not null || p.Step == p.TotalSteps || _sinceLine.Elapsed >= interval;
        if (live && !keep && _sinceRedraw.Elapsed >= s_redraw)
        {
            _sinceRedraw.Restart();
            string bar = Line(p);
            error.Write("\r" + bar.PadRight(_liveWidth));
            _liveWidth = bar.Length;
            error.Flush();
        }
        if (!keep)
        {
            return;
        }
        _sinceLine.Restart();
        string line = Line(p);
        // On a terminal the periodic lines are the live bar itself; only validations and the end stay on screen.
        if (!live || p.Validation is not null || p.Step == p.TotalSteps || p.Step == resumedFrom + 1)
        {
            error.WriteLine(live ? "\r" + line.PadRight(_liveWidth) : line);
            _liveWidth = 0;
        }
        log.WriteLine(line);
        log.Flush();
    }

    private string Line(TrainingProgress p)
    {
        double rate = (p.Step - resumedFrom) / Math.Max(p.Elapsed.TotalSeconds, 1e-9);
        TimeSpan eta = TimeSpan.FromSeconds((p.TotalSteps - p.Step) / Math.Max(rate, 1e-9));
        string accuracy = p.Accuracy is { } a ? $"  acc {a:F3}" : "";
        string validation = _lastValidation is { } v ? $"  val {v.Metric} {v.Mean:F4} ± {v.Ci95:F4}" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"step {p.Step}/{p.TotalSteps}  {rate:F1} steps/s  eta {Format(eta)}  loss {p.Loss:F4}{accuracy}{validation}");
    }

    private static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:D2}s" : $"{t.Seconds}s";
}

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
/// The rate and ETA are measured from the end of the first step of this process: that step includes compiling the
/// code, so counting it made the first ETA of a one-minute run read over an hour.
/// </summary>
internal sealed class TrainingProgressWriter(TextWriter error, TextWriter log, TimeSpan interval, long resumedFrom, bool live = false) : IProgress<TrainingProgress>
{
    private static readonly TimeSpan s_redraw = TimeSpan.FromMilliseconds(200);
    private readonly Stopwatch _sinceLine = Stopwatch.StartNew();
    private readonly Stopwatch _sinceRedraw = Stopwatch.StartNew();
    private EvaluationResult? _lastValidation;
    private int _liveWidth;
    private TimeSpan _firstStepEnd;

    public void Report(TrainingProgress p)
    {
        if (p.Validating)
        {
            if (live)
            {
                string note = Line(p) + "  validating...";
                error.Write("\r" + note.PadRight(_liveWidth));
                _liveWidth = note.Length;
                error.Flush();
            }
            return;
        }
        if (p.Step == resumedFrom + 1)
        {
            _firstStepEnd = p.Elapsed;
        }
        _lastValidation = p.Validation ?? _lastValidation;
        bool keep = p.Step == resumedFrom + 1 || p.Validation is not null || p.Step == p.TotalSteps || _sinceLine.Elapsed >= interval;
        if (live && !keep && _sinceRedraw.Elapsed >= s_redraw)
        {
            _sinceRedraw.Restart();
            string bar = ProgressBar.Draw(p.Step, p.TotalSteps) + " " + Line(p);
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
        long measured = p.Step - resumedFrom - 1;
        double seconds = (p.Elapsed - _firstStepEnd).TotalSeconds;
        string speed = measured < 1 || seconds <= 0
            ? "eta --"
            : string.Create(CultureInfo.InvariantCulture,
                $"{Rate(measured / seconds)}  eta {Format(TimeSpan.FromSeconds((p.TotalSteps - p.Step) * seconds / measured))}");
        string metrics = string.Join("  ", p.Metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{Short(m.Key)} {m.Value:F4}")));
        string validation = _lastValidation is { } v ? string.Create(CultureInfo.InvariantCulture, $"  val {v.Metric} {v.Mean:F4} ± {v.Ci95:F4}") : "";
        return $"step {p.Step}/{p.TotalSteps}  {speed}  {metrics}{validation}";
    }

    private static string Short(string metric) => metric == "accuracy" ? "acc" : metric;

    private static string Rate(double stepsPerSecond) => stepsPerSecond >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{stepsPerSecond:F1} steps/s")
        : string.Create(CultureInfo.InvariantCulture, $"{1 / stepsPerSecond:F1} s/step");

    private static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:D2}s" : $"{t.Seconds}s";
}

using System.Diagnostics;
using System.Globalization;
using MetaLearn.Algorithms;

namespace MetaLearn.Cli.Training;

/// <summary>
/// Progress lines for <see cref="MetaTrainer"/>: step, rate, ETA, last loss and last validation. A line is written at
/// the first step, at every validation, at the last step, and otherwise at most every <c>interval</c>; each line also
/// goes to the run's log. (Reported synchronously on the training thread, so lines come in step order.)
/// </summary>
internal sealed class TrainingProgressWriter(TextWriter error, TextWriter log, TimeSpan interval, long resumedFrom) : IProgress<TrainingProgress>
{
    private readonly Stopwatch _sinceLine = Stopwatch.StartNew();
    private EvaluationResult? _lastValidation;

    public void Report(TrainingProgress p)
    {
        _lastValidation = p.Validation ?? _lastValidation;
        if (p.Step != resumedFrom + 1 && p.Validation is null && p.Step != p.TotalSteps && _sinceLine.Elapsed < interval)
        {
            return;
        }
        _sinceLine.Restart();
        double rate = (p.Step - resumedFrom) / Math.Max(p.Elapsed.TotalSeconds, 1e-9);
        TimeSpan eta = TimeSpan.FromSeconds((p.TotalSteps - p.Step) / Math.Max(rate, 1e-9));
        string accuracy = p.Accuracy is { } a ? $"  acc {a:F3}" : "";
        string validation = _lastValidation is { } v ? $"  val {v.Metric} {v.Mean:F4} ± {v.Ci95:F4}" : "";
        string line = string.Create(CultureInfo.InvariantCulture,
            $"step {p.Step}/{p.TotalSteps}  {rate:F1} steps/s  eta {Format(eta)}  loss {p.Loss:F4}{accuracy}{validation}");
        error.WriteLine(line);
        log.WriteLine(line);
        log.Flush();
    }

    private static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:D2}s" : $"{t.Seconds}s";
}

using System.Globalization;

namespace MetaLearn.Optim;

/// <summary>
/// A learning rate as a function of the number of updates already made (0 for the first update), like optax's
/// schedules and like PyTorch's <c>lr_scheduler</c> stepped once per optimizer step. A plain number converts to a
/// <see cref="Constant"/> schedule. Arguments are validated when the schedule is made.
/// </summary>
public sealed class Schedule
{
    private readonly Func<long, double> _value;

    private Schedule(string description, Func<long, double> value)
    {
        Description = description;
        _value = value;
    }

    /// <summary>A readable form, e.g. <c>cosine(0.1, 1000 steps, min 0)</c>.</summary>
    public string Description { get; }

    /// <summary>The learning rate for the update after <paramref name="step"/> earlier updates.</summary>
    public double this[long step] => step >= 0 ? _value(step)
        : throw new ArgumentOutOfRangeException(nameof(step), $"Schedule: step must be >= 0; got {step}.");

    /// <summary>A constant learning rate.</summary>
    public static implicit operator Schedule(double value) => Constant(value);

    /// <summary>A constant learning rate.</summary>
    public static Schedule Constant(double value)
    {
        RequireRate("constant", "value", value);
        return new Schedule(F($"constant({value})"), _ => value);
    }

    /// <summary>PyTorch's <c>StepLR</c>: <c>initial * gamma^(step / stepSize)</c> (integer division).</summary>
    public static Schedule Step(double initial, int stepSize, double gamma)
    {
        RequireRate("step", "initial", initial);
        if (stepSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), $"Schedule.Step: stepSize must be >= 1; got {stepSize}.");
        }
        if (!(gamma >= 0) || double.IsInfinity(gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), $"Schedule.Step: gamma must be finite and >= 0; got {gamma}.");
        }
        return new Schedule(F($"step({initial}, every {stepSize}, x{gamma})"), t => initial * Math.Pow(gamma, t / stepSize));
    }

    /// <summary>
    /// PyTorch's <c>CosineAnnealingLR</c> (Loshchilov and Hutter 2017, without restarts):
    /// <c>min + (initial - min) * (1 + cos(pi * t / steps)) / 2</c> for <c>t &lt;= steps</c>, then <c>min</c>.
    /// </summary>
    /// <remarks>
    /// Past <c>steps</c> this schedule stays at <c>min</c>, as optax's <c>cosine_decay_schedule</c>; PyTorch's
    /// <c>CosineAnnealingLR</c> instead keeps following the cosine, so its rate rises again after <c>T_max</c>.
    /// </remarks>
    public static Schedule Cosine(double initial, int steps, double minimum = 0)
    {
        RequireRate("cosine", "initial", initial);
        RequireRate("cosine", "minimum", minimum);
        if (steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), $"Schedule.Cosine: steps must be >= 1; got {steps}.");
        }
        return new Schedule(F($"cosine({initial}, {steps} steps, min {minimum})"),
            t => t >= steps ? minimum : minimum + (initial - minimum) * (1 + Math.Cos(Math.PI * t / steps)) / 2);
    }

    /// <summary>
    /// Linear warm-up to <paramref name="peak"/> over <paramref name="warmupSteps"/> updates — PyTorch's <c>LinearLR</c>
    /// with <c>start_factor = startFactor</c>: <c>peak * (startFactor + (1 - startFactor) * t / warmupSteps)</c> — then
    /// <paramref name="after"/> (counted from the end of the warm-up), or <paramref name="peak"/> when null.
    /// </summary>
    public static Schedule LinearWarmup(double peak, int warmupSteps, double startFactor = 0.1, Schedule? after = null)
    {
        RequireRate("linear warm-up", "peak", peak);
        if (warmupSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), $"Schedule.LinearWarmup: warmupSteps must be >= 1; got {warmupSteps}.");
        }
        if (!(startFactor is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(startFactor), $"Schedule.LinearWarmup: startFactor must be in [0, 1]; got {startFactor}.");
        }
        string then = after is null ? "" : ", then " + after.Description;
        return new Schedule(F($"linear-warmup({peak}, {warmupSteps} steps from x{startFactor}{then})"),
            t => t < warmupSteps ? peak * (startFactor + (1 - startFactor) * t / warmupSteps) : after?[t - warmupSteps] ?? peak);
    }

    /// <summary>
    /// Linear annealing from <paramref name="initial"/> to <paramref name="final"/> over <paramref name="steps"/> updates,
    /// then <paramref name="final"/>: <c>initial + (final - initial) * min(t, steps) / steps</c>. Reptile anneals its meta
    /// step size this way (Nichol et al. 2018, "frac_done"); PyTorch's <c>LinearLR</c> expresses the same with factors.
    /// </summary>
    public static Schedule Linear(double initial, double final, int steps)
    {
        RequireRate("linear", "initial", initial);
        RequireRate("linear", "final", final);
        if (steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), $"Schedule.Linear: steps must be >= 1; got {steps}.");
        }
        return new Schedule(F($"linear({initial} -> {final} over {steps} steps)"),
            t => t >= steps ? final : initial + (final - initial) * t / steps);
    }

    /// <inheritdoc/>
    public override string ToString() => Description;

    internal static void RequireRate(string schedule, string name, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, $"Schedule ({schedule}): learning rate {name} must be finite and >= 0; got {value}. Use a positive learning rate such as 0.01.");
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace MetaLearn.Cli.Registry;

/// <summary>What values a configuration key takes.</summary>
internal enum ConfigKind
{
    Integer,
    Number,
    Boolean,
    Choice,
    Text,
}

/// <summary>
/// One configuration key: its name (namespaced by its learner or task family, e.g. <c>maml.inner_lr</c>, or plain for the
/// trainer's keys), what it takes, its default and what it means. Registrations declare them; help, validation, presets
/// and config.json all read them from here.
/// </summary>
/// <param name="Name">The key's name within its namespace (e.g. <c>inner_lr</c>).</param>
/// <param name="Kind">What values it takes.</param>
/// <param name="Default">The value when no preset, file or flag sets it.</param>
/// <param name="Description">What it means (shown by <c>metalearn learners</c>).</param>
internal sealed record ConfigKey(string Name, ConfigKind Kind, string Default, string Description)
{
    /// <summary>The smallest value accepted (numbers and integers).</summary>
    public double Minimum { get; init; } = double.NegativeInfinity;

    /// <summary>Whether <see cref="Minimum"/> itself is refused (e.g. a learning rate must be &gt; 0).</summary>
    public bool ExclusiveMinimum { get; init; }

    /// <summary>The largest value accepted (numbers and integers).</summary>
    public double Maximum { get; init; } = double.PositiveInfinity;

    /// <summary>The accepted values of a <see cref="ConfigKind.Choice"/> key.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>An integer key of at least <paramref name="minimum"/>.</summary>
    public static ConfigKey Integer(string name, long @default, string description, long minimum = long.MinValue, long maximum = int.MaxValue)
        => new(name, ConfigKind.Integer, @default.ToString(CultureInfo.InvariantCulture), description) { Minimum = minimum, Maximum = maximum };

    /// <summary>A number key in [<paramref name="minimum"/>, <paramref name="maximum"/>]; with <paramref name="exclusive"/> the minimum itself is refused.</summary>
    public static ConfigKey Number(string name, double @default, string description, double minimum = double.NegativeInfinity, bool exclusive = false,
        double maximum = double.PositiveInfinity)
        => new(name, ConfigKind.Number, @default.ToString("R", CultureInfo.InvariantCulture), description) { Minimum = minimum, ExclusiveMinimum = exclusive, Maximum = maximum };

    /// <summary>A true/false key.</summary>
    public static ConfigKey Boolean(string name, bool @default, string description)
        => new(name, ConfigKind.Boolean, @default ? "true" : "false", description);

    /// <summary>A key with a fixed set of values.</summary>
    public static ConfigKey Choice(string name, string @default, string description, params string[] choices)
        => new(name, ConfigKind.Choice, @default, description) { Choices = choices };

    /// <summary>A free-text key.</summary>
    public static ConfigKey Text(string name, string @default, string description) => new(name, ConfigKind.Text, @default, description);

    /// <summary>The accepted range or values, e.g. <c>integer &gt;= 1</c>, <c>one of sgd, adam</c>.</summary>
    public string Accepts => Kind switch
    {
        ConfigKind.Integer => "integer" + Range(),
        ConfigKind.Number => "number" + Range(),
        ConfigKind.Boolean => "true or false",
        ConfigKind.Choice => "one of " + string.Join(", ", Choices),
        _ => "text",
    };

    /// <summary>
    /// Returns the normalised value, or throws <see cref="UsageException"/> naming <paramref name="fullName"/> (the
    /// namespaced name) and what it accepts.
    /// </summary>
    public string Check(string fullName, string value)
    {
        switch (Kind)
        {
            case ConfigKind.Integer:
                bool parsed = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long i);
                if (!parsed || !InRange(i))
                {
                    bool tooLarge = (parsed && i > Maximum) || (!parsed && IsIntegerText(value));
                    throw Refuse(fullName, value, tooLarge ? $" (the largest accepted is {Maximum.ToString(CultureInfo.InvariantCulture)})" : "");
                }
                return i.ToString(CultureInfo.InvariantCulture);
            case ConfigKind.Number:
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d) || !InRange(d))
                {
                    throw Refuse(fullName, value, "");
                }
                return d.ToString("R", CultureInfo.InvariantCulture);
            case ConfigKind.Boolean:
                return value.Trim().ToLowerInvariant() switch
                {
                    "true" or "yes" or "on" or "1" => "true",
                    "false" or "no" or "off" or "0" => "false",
                    _ => throw Refuse(fullName, value, ""),
                };
            case ConfigKind.Choice:
                string? match = Choices.FirstOrDefault(c => string.Equals(c, value.Trim(), StringComparison.OrdinalIgnoreCase));
                return match ?? throw Refuse(fullName, value, "");
            default:
                return value;
        }
    }

    private bool InRange(double v) => (ExclusiveMinimum ? v > Minimum : v >= Minimum) && v <= Maximum;

    private UsageException Refuse(string fullName, string value, string why)
        => new($"config key '{fullName}' must be {Accepts}; got '{value}'{why}. ({Description})");

    private static bool IsIntegerText(string value) => value.Trim().TrimStart('-', '+').All(char.IsAsciiDigit) && value.Trim().Length > 0;

    private string Range()
    {
        string low = double.IsNegativeInfinity(Minimum) || Minimum <= long.MinValue ? "" : $" {(ExclusiveMinimum ? ">" : ">=")} {Minimum.ToString(CultureInfo.InvariantCulture)}";
        string high = double.IsPositiveInfinity(Maximum) || Maximum >= int.MaxValue ? "" : $" <= {Maximum.ToString(CultureInfo.InvariantCulture)}";
        return low.Length > 0 && high.Length > 0 ? low + " and" + high : low + high;
    }
}

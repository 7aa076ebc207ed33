using System.Globalization;

namespace MetaLearn.Cli.Training;

/// <summary>What values a configuration key takes.</summary>
internal enum ConfigKind
{
    Integer,
    Number,
    Choice,
    Text,
}

/// <summary>One key of a training configuration: its kind, range or allowed values, and what it means.</summary>
internal sealed record ConfigKey(string Name, ConfigKind Kind, string Description, double Minimum = double.NegativeInfinity, string[]? Choices = null)
{
    /// <summary>Returns the normalised value, or throws <see cref="UsageException"/> naming the key and what it accepts.</summary>
    public string Check(string value)
    {
        switch (Kind)
        {
            case ConfigKind.Integer:
                if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long i) || i < Minimum)
                {
                    throw new UsageException($"config key '{Name}' must be an integer >= {Minimum.ToString(CultureInfo.InvariantCulture)}; got '{value}'. ({Description})");
                }
                return i.ToString(CultureInfo.InvariantCulture);
            case ConfigKind.Number:
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d) || d < Minimum || (Minimum == 0 && Name != "meta_step_final" && d == 0))
                {
                    string range = Name == "meta_step_final" ? ">= 0" : "> 0";
                    throw new UsageException($"config key '{Name}' must be a number {range}; got '{value}'. ({Description})");
                }
                return d.ToString("R", CultureInfo.InvariantCulture);
            case ConfigKind.Choice:
                string? match = Choices!.FirstOrDefault(c => string.Equals(c, value, StringComparison.OrdinalIgnoreCase));
                return match ?? throw new UsageException($"config key '{Name}' must be one of {string.Join(", ", Choices!)}; got '{value}'.");
            default:
                return value;
        }
    }
}

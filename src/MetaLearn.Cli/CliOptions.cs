using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MetaLearn.Cli;

/// <summary>
/// Options that read the way they are typed, for every command: whole numbers with the range they accept.
/// System.CommandLine's own conversion names .NET types in its errors ("Cannot parse argument 'abc' for option
/// '--ways' as expected type 'System.Nullable`1[System.Int32]'"), so these options parse their tokens themselves
/// (<c>CustomParser</c>). A bad value is a parse error in one form, "--ways must be a whole number >= 2; got 'abc'.",
/// and the command exits with 2.
/// </summary>
internal static class CliOptions
{
    /// <summary>
    /// A whole-number option of at least <paramref name="min"/>, with a default that help shows. With
    /// <paramref name="word"/>, that word (any case) is accepted too and stands for its value (<c>--decode all</c>).
    /// </summary>
    public static Option<int> WholeNumber(string name, string helpName, string description, int min, int defaultValue, (string Text, int Value)? word = null)
    {
        string accepts = $"a whole number >= {min}" + (word is { } w ? $" or '{w.Text}'" : "");
        var option = new Option<int>(name) { HelpName = helpName, Description = description, DefaultValueFactory = _ => defaultValue };
        option.CustomParser = result =>
            word is { } w && Token(result) is { } text && string.Equals(text.Trim(), w.Text, StringComparison.OrdinalIgnoreCase)
                ? w.Value
                : ParseWholeNumber(result, name, min, accepts) ?? 0;
        return option;
    }

    /// <summary>A whole-number option of at least <paramref name="min"/> that may be left out (null: the command decides).</summary>
    public static Option<int?> OptionalWholeNumber(string name, string helpName, string description, int min)
    {
        var option = new Option<int?>(name) { HelpName = helpName, Description = description };
        option.CustomParser = result => ParseWholeNumber(result, name, min, $"a whole number >= {min}");
        return option;
    }

    /// <summary>Records a bad value of <paramref name="name"/> as a parse error, in the one form all these options use.</summary>
    public static void Refuse(ArgumentResult result, string name, string accepts, string got) =>
        result.AddError($"{name} must be {accepts}; got '{got}'.");

    private static string? Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;

    private static int? ParseWholeNumber(ArgumentResult result, string name, int min, string accepts)
    {
        if (Token(result) is not { } text)
        {
            result.AddError($"{name} needs a value: {accepts}.");
            return null;
        }
        // Integer style: optional sign and surrounding white space, no thousands separators or decimals, in any culture.
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && value >= min)
        {
            if (value <= int.MaxValue)
            {
                return (int)value;
            }
            result.AddError($"{name} must be {accepts}; got '{text}' (the largest accepted is {int.MaxValue}).");
            return null;
        }
        Refuse(result, name, accepts, text);
        return null;
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MetaLearn.Cli;

/// <summary>
/// Options that read the way they are typed, for every command: whole numbers with the range they accept, and
/// choices in lower case. System.CommandLine's own conversion names .NET types in its errors ("Cannot parse argument
/// 'abc' for option '--ways' as expected type 'System.Nullable`1[System.Int32]'") and shows, completes and accepts an
/// enum's values as declared (<c>--format &lt;Json|Table&gt;</c>, and "1" for Json), so these options parse their
/// tokens themselves (<c>CustomParser</c>) and offer lower-case completions, which help also joins into the
/// placeholder (<c>--format &lt;json|table&gt;</c>). A bad value is a parse error in one form, "--ways must be a whole
/// number >= 2; got 'abc'.", and the command exits with 2.
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

    /// <summary>
    /// One value of <typeparamref name="T"/>, shown, completed and typed in lower case (<see cref="Name{T}"/>). The
    /// placeholder lists the values (help joins the completions) unless <paramref name="helpName"/> is given.
    /// </summary>
    public static ChoiceOption<T> Choice<T>(string name, string description, T defaultValue, string? helpName = null)
        where T : struct, Enum
    {
        var option = new ChoiceOption<T>(name, defaultValue) { Description = $"{description} [default: {Name(defaultValue)}]", HelpName = helpName };
        option.CompletionSources.Clear(); // the enum's own, in PascalCase
        option.CompletionSources.Add(Names<T>());
        option.CustomParser = result => ParseChoices<T>(result, name) is [var value] ? value : null;
        return option;
    }

    /// <summary>
    /// One or more values of <typeparamref name="T"/> (repeatable, and several after one flag), in lower case as for
    /// <see cref="Choice{T}"/>; <paramref name="defaultValues"/> when left out.
    /// </summary>
    public static ChoicesOption<T> Choices<T>(string name, string helpName, string description, params T[] defaultValues)
        where T : struct, Enum
    {
        var option = new ChoicesOption<T>(name, defaultValues)
        {
            HelpName = helpName,
            Description = $"{description} [default: {string.Join(", ", defaultValues.Select(Name))}]",
            AllowMultipleArgumentsPerToken = true,
        };
        option.CompletionSources.Clear(); // the enum's own, in PascalCase
        option.CompletionSources.Add(Names<T>());
        option.CustomParser = result => ParseChoices<T>(result, name) ?? [];
        return option;
    }

    /// <summary>How <paramref name="value"/> is typed: its name in lower case, with '-' before each inner capital (<c>BackgroundSmall1</c>: <c>background-small1</c>).</summary>
    public static string Name<T>(T value)
        where T : struct, Enum
    {
        string declared = value.ToString();
        var name = new System.Text.StringBuilder(declared.Length + 4);
        for (int i = 0; i < declared.Length; i++)
        {
            if (i > 0 && char.IsUpper(declared[i]))
            {
                name.Append('-');
            }
            name.Append(char.ToLowerInvariant(declared[i]));
        }
        return name.ToString();
    }

    /// <summary>Every value's <see cref="Name{T}"/>, in declaration order.</summary>
    public static string[] Names<T>()
        where T : struct, Enum => [.. Enum.GetValues<T>().Select(Name)];

    /// <summary>Values as a message lists them: 'a' or 'b'; 'a', 'b' or 'c'.</summary>
    public static string Alternatives(IReadOnlyList<string> values) => values.Count == 1
        ? $"'{values[0]}'"
        : $"{string.Join(", ", values.Take(values.Count - 1).Select(v => $"'{v}'"))} or '{values[^1]}'";

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

    /// <summary>
    /// The values of the tokens, each its lower-case name or its declared name in any case (so the PascalCase that help
    /// used to show still works); numbers, which the enum converter would take, are refused. Null after an error.
    /// </summary>
    private static T[]? ParseChoices<T>(ArgumentResult result, string name)
        where T : struct, Enum
    {
        string accepts = Alternatives(Names<T>());
        if (result.Tokens.Count == 0)
        {
            result.AddError($"{name} needs a value: {accepts}.");
            return null;
        }
        var values = new T[result.Tokens.Count];
        for (int i = 0; i < values.Length; i++)
        {
            string typed = result.Tokens[i].Value.Trim();
            T[] match = [.. Enum.GetValues<T>().Where(v =>
                typed.Equals(Name(v), StringComparison.OrdinalIgnoreCase) || typed.Equals(v.ToString(), StringComparison.OrdinalIgnoreCase))];
            if (match.Length == 0)
            {
                Refuse(result, name, accepts, result.Tokens[i].Value);
                return null;
            }
            values[i] = match[0];
        }
        return values;
    }
}

/// <summary>
/// A lower-case choice with a default (<see cref="CliOptions.Choice{T}"/>). It has no default value of its own: help
/// prints a default with <c>ToString()</c>, in PascalCase, and the help builder that could change that is internal in
/// System.CommandLine 3. So the description states the default and <see cref="ValueIn"/> applies it.
/// </summary>
internal sealed class ChoiceOption<T>(string name, T defaultValue) : Option<T?>(name)
    where T : struct, Enum
{
    /// <summary>The value when the option is left out.</summary>
    public T Default { get; } = defaultValue;

    /// <summary>The value given on the command line, or <see cref="Default"/>.</summary>
    public T ValueIn(ParseResult parse) => parse.GetValue(this) ?? Default;
}

/// <summary>Lower-case choices with defaults (<see cref="CliOptions.Choices{T}"/>), for the same reason as <see cref="ChoiceOption{T}"/>.</summary>
internal sealed class ChoicesOption<T>(string name, T[] defaultValues) : Option<T[]>(name)
    where T : struct, Enum
{
    /// <summary>The values when the option is left out.</summary>
    public IReadOnlyList<T> Defaults { get; } = defaultValues;

    /// <summary>The values given on the command line, or <see cref="Defaults"/>.</summary>
    public IReadOnlyList<T> ValueIn(ParseResult parse) => parse.GetValue(this) is { Length: > 0 } given ? given : Defaults;
}

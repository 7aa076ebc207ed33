namespace MetaLearn.Cli;

/// <summary>How a command prints its result.</summary>
internal enum OutputFormat
{
    /// <summary>For people: an aligned table (Markdown).</summary>
    Table,

    /// <summary>For scripts: JSON.</summary>
    Json,
}

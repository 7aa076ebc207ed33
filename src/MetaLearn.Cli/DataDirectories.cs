namespace MetaLearn.Cli;

/// <summary>Where datasets are looked for, in order. The CLI is the only layer that reads environment variables.</summary>
internal static class DataDirectories
{
    /// <summary>Environment variable naming a data directory to search first.</summary>
    public const string Variable = "METALEARN_DATA";

    public static IEnumerable<string> Candidates()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } fromEnvironment)
        {
            yield return Path.GetFullPath(fromEnvironment);
        }
        yield return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".metalearn", "data");
        yield return Path.GetFullPath("data");
    }
}

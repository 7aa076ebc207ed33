namespace MetaLearn.Cli.Tests;

/// <summary>Runs the command in-process with captured writers.</summary>
internal static class CliRunner
{
    public static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = MetaLearnCommand.Run(args, output, error);
        return (exit, output.ToString().Replace("\r\n", "\n"), error.ToString());
    }

    /// <summary>The repository's shared Omniglot data beside the clone (../shared/data/omniglot).</summary>
    public static string OmniglotFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "..", "shared", "data", "omniglot", name);
            if (File.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }
        throw new FileNotFoundException($"shared/data/omniglot/{name} was not found beside the repository clone.");
    }
}

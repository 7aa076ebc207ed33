namespace MetaLearn.Cli.Bench;

/// <summary>How to start this CLI again as a child process: the file to run and the arguments that come before the command.</summary>
/// <remarks>
/// The side-by-side benchmark measures every MetaLearn run in a fresh process. Only the host decides how: the apphost
/// <c>metalearn</c> (the build output, <c>dotnet run</c>, and the shim of an installed dotnet tool) is itself the
/// process and takes the command directly; under <c>dotnet metalearn.dll</c> the process is the muxer <c>dotnet</c>,
/// which needs the assembly path first. <c>Environment.GetCommandLineArgs()[0]</c> cannot tell the two apart: it is the
/// .dll path under the apphost too, and passing it to the apphost made the child fail with "Unrecognized command or
/// argument" (issue 15).
/// </remarks>
/// <param name="File">The executable: the apphost, or the <c>dotnet</c> muxer.</param>
/// <param name="PrefixArguments">Arguments before the command: the assembly path under the muxer, otherwise none.</param>
internal sealed record SelfLaunch(string File, IReadOnlyList<string> PrefixArguments)
{
    /// <summary>How this process was launched.</summary>
    public static SelfLaunch Current => Resolve(Environment.ProcessPath, typeof(SelfLaunch).Assembly.Location);

    /// <summary>The launch for a process whose executable is <paramref name="processPath"/> running the CLI assembly
    /// at <paramref name="cliAssemblyPath"/>.</summary>
    /// <exception cref="InvalidOperationException">The process path is unknown, or the muxer runs an assembly without a path.</exception>
    public static SelfLaunch Resolve(string? processPath, string? cliAssemblyPath)
    {
        if (string.IsNullOrEmpty(processPath))
        {
            throw new InvalidOperationException(
                "bench --against: the path of this process is unknown (Environment.ProcessPath is null), so the MetaLearn side cannot be " +
                "started again; run the metalearn executable or `dotnet metalearn.dll`.");
        }
        if (!IsMuxer(processPath))
        {
            // The apphost, a dotnet tool shim, or a single-file executable: the process is the CLI, whatever it is named.
            return new SelfLaunch(processPath, []);
        }
        if (string.IsNullOrEmpty(cliAssemblyPath))
        {
            throw new InvalidOperationException(
                $"bench --against: this process is {processPath} but the path of the metalearn assembly is unknown, so the MetaLearn side " +
                "cannot be started again; run the metalearn executable instead.");
        }
        return new SelfLaunch(processPath, [cliAssemblyPath]);
    }

    /// <summary>True for <c>dotnet</c> or <c>dotnet.exe</c> in any folder (either separator, so Windows paths test on Linux too).</summary>
    private static bool IsMuxer(string processPath)
    {
        string name = processPath[(processPath.LastIndexOfAny(['/', '\\']) + 1)..];
        if (name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^4];
        }
        return name.Equals("dotnet", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The full argument list: <see cref="PrefixArguments"/>, then <paramref name="arguments"/>.</summary>
    public IReadOnlyList<string> Arguments(params string[] arguments) => [.. PrefixArguments, .. arguments];
}

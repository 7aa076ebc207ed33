using System.CommandLine;
using MetaLearn.Cli.Commands;

namespace MetaLearn.Cli;

/// <summary>The root command: composes the subcommands, each in its own file.</summary>
internal static class MetaLearnCommand
{
    public static RootCommand Create() => new("metalearn: meta-learning for .NET — train, evaluate, classify, report, benchmark.")
    {
        HelpName = "metalearn", // the same name in help however it is launched (dotnet run, dotnet tool, tests)
        Subcommands = { InfoCommand.Create(), BenchCommand.Create(), DataCommand.Create() },
    };

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given writers (tests pass their own).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
        => Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
}

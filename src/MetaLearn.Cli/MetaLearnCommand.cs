using System.CommandLine;
using MetaLearn.Cli.Commands;

namespace MetaLearn.Cli;

/// <summary>The root command: composes the subcommands, each in its own file.</summary>
internal static class MetaLearnCommand
{
    /// <param name="interrupt">Stops a training run as Ctrl-C would (for tests); when null, train listens to Ctrl-C.</param>
    public static RootCommand Create(CancellationToken? interrupt = null) => new("metalearn: meta-learning for .NET — train, evaluate, classify, report, benchmark.")
    {
        HelpName = "metalearn", // the same name in help however it is launched (dotnet run, dotnet tool, tests)
        Subcommands =
        {
            TrainCommand.Create(interrupt), EvalCommand.Create(), ClassifyCommand.Create(), ReportCommand.Create(),
            InfoCommand.Create(), BenchCommand.Create(), DataCommand.Create(),
        },
    };

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given writers (tests pass their own).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken? interrupt = null)
    {
        ParseResult parse = Create(interrupt).Parse(args);
        // No process-termination timeout: train handles Ctrl-C itself so it can finish the step and write a checkpoint.
        int exit = parse.Invoke(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null });
        return parse.Errors.Count > 0 ? 2 : exit; // unknown or malformed flags are usage errors (exit 2), as for bad values
    }
}

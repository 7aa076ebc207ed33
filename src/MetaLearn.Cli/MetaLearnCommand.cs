using System.CommandLine;
using MetaLearn.Cli.Commands;

namespace MetaLearn.Cli;

/// <summary>The root command: composes the subcommands, each in its own file.</summary>
internal static class MetaLearnCommand
{
    /// <param name="interrupt">Stops a training run as Ctrl-C would (for tests); when null, train listens to Ctrl-C.</param>
    public static RootCommand Create(CancellationToken? interrupt = null) => new("metalearn: meta-learning for .NET — train, evaluate, classify, embed, report, list learners, benchmark.\nExit codes: 0 success, 1 a failure (named on stderr), 2 a usage error, 130 stopped by Ctrl-C, 143 stopped by SIGTERM (both after writing a checkpoint).")
    {
        HelpName = "metalearn", // the same name in help however it is launched (dotnet run, dotnet tool, tests)
        Options = { new Option<bool>(VerboseName) { Recursive = true, Description = "On an unexpected error, print the full exception with its stack trace." } },
        Subcommands =
        {
            TrainCommand.Create(interrupt), EvalCommand.Create(), ClassifyCommand.Create(), ReportCommand.Create(),
            EmbedCommand.Create(), LearnersCommand.Create(), InfoCommand.Create(), BenchCommand.Create(), DataCommand.Create(),
        },
    };

    /// <summary>Every command takes it: an unexpected error then prints its stack trace, not just one line.</summary>
    private const string VerboseName = "--verbose";

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given writers (tests pass their own).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken? interrupt = null)
    {
        ParseResult parse = Create(interrupt).Parse(args);
        try
        {
            // No process-termination timeout: train handles Ctrl-C itself so it can finish the step and write a checkpoint.
            int exit = parse.Invoke(new InvocationConfiguration
            {
                Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false,
            });
            return parse.Errors.Count > 0 ? 2 : exit; // unknown or malformed flags are usage errors (exit 2), as for bad values
        }
        catch (Exception e)
        {
            error.WriteLine(Unexpected(e, parse.GetValue<bool>(VerboseName)));
            return 1;
        }
    }

    /// <summary>An error no command anticipated: one line naming it, or with <c>--verbose</c> the whole exception.</summary>
    internal static string Unexpected(Exception e, bool verbose) => verbose
        ? $"metalearn: unexpected error: {e}"
        : $"metalearn: unexpected error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")} (rerun with --verbose for the stack trace)";
}

using MetaLearn.Data;

namespace MetaLearn.Cli.Registry;

/// <summary>
/// How the command line knows a task distribution: its name, the kind of task it draws, its own keys (namespaced by
/// <see cref="Name"/>), which of the episode keys (ways, shots, queries, ...) it reads, and how to open its train,
/// validation and test sources.
/// </summary>
internal sealed record TaskFamilyRegistration
{
    /// <summary>The name in configurations (<c>task: sinusoid</c>) and the namespace of its keys.</summary>
    public required string Name { get; init; }

    /// <summary>One line: what the tasks are.</summary>
    public required string Summary { get; init; }

    /// <summary>The kind of every task drawn.</summary>
    public required TaskKind Kind { get; init; }

    /// <summary>Its own keys (names without the namespace).</summary>
    public IReadOnlyList<ConfigKey> Keys { get; init; } = [];

    /// <summary>The episode keys of <see cref="GeneralKeys.Episode"/> it reads; the others are refused for this family.</summary>
    public required IReadOnlyList<string> EpisodeKeys { get; init; }

    /// <summary>The shape of the tasks a configuration describes (no data is opened).</summary>
    public required Func<RunConfig, TaskShape> Shape { get; init; }

    /// <summary>Opens the sources; <c>test</c> overrides the test tasks' ways and shots (eval's --ways and --shots).</summary>
    public required Func<RunConfig, TestOverride?, TaskSources> Open { get; init; }
}

/// <summary>Other ways or shots for the test tasks than the run's (eval's <c>--ways</c>, <c>--shots</c>).</summary>
internal sealed record TestOverride(int? Ways, int? Shots);

/// <summary>A run's task sources and what to dispose when done (open zips).</summary>
internal sealed record TaskSources(ITaskSource<ITask> Train, ITaskSource<ITask> Validation, ITaskSource<ITask> Test, IDisposable? Owner) : IDisposable
{
    public void Dispose() => Owner?.Dispose();
}

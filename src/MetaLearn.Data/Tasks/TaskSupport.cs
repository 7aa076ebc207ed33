namespace MetaLearn.Data;

/// <summary>
/// The part of a task that adaptation may see. Adapting through this type instead of the whole <see cref="ITask"/>
/// makes it impossible to peek at the query part: <see cref="SupportSet"/> for data tasks,
/// <see cref="EnvironmentTask"/> itself for environments (the learner collects its own support episodes).
/// </summary>
public abstract record TaskSupport
{
    /// <summary>The kind of task this support came from.</summary>
    public abstract TaskKind Kind { get; }
}

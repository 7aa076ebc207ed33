namespace MetaLearn.Data;

/// <summary>
/// One task of any kind: what a task source draws, a meta-batch holds and a learner adapts to. Learners read the
/// part of a task their <see cref="Kind"/> defines (see the implementations), and adaptation sees only
/// <see cref="Support"/>, never the query part.
/// </summary>
public interface ITask
{
    /// <summary>Which kind of task this is.</summary>
    TaskKind Kind { get; }

    /// <summary>What adaptation may use: the support set of a data task, or the environment of an environment task.</summary>
    TaskSupport Support { get; }

    /// <summary>A short human-readable description (classes, the sinusoid's amplitude and phase, the goal).</summary>
    string Description { get; }
}

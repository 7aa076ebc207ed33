using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// Anything that draws tasks: a classification <see cref="TaskSampler"/>, a regression task family, an
/// <see cref="UnlabeledTaskSampler"/>, an environment family. The one interface the trainer and the evaluator read;
/// covariant, so a source of <see cref="FewShotTask"/> is a source of <see cref="ITask"/>.
/// </summary>
/// <typeparam name="TTask">The tasks drawn.</typeparam>
public interface ITaskSource<out TTask>
    where TTask : ITask
{
    /// <summary>The kind of every task drawn.</summary>
    TaskKind Kind { get; }

    /// <summary>Draws one task. Everything random comes from <paramref name="rng"/>, so the same seed gives the same task.</summary>
    TTask Sample(Rng rng);
}

/// <summary>Meta-batch helpers for every <see cref="ITaskSource{TTask}"/>.</summary>
public static class TaskSourceExtensions
{
    /// <summary>Draws a meta-batch of <paramref name="count"/> tasks, one after another from <paramref name="rng"/>.</summary>
    public static IReadOnlyList<TTask> SampleBatch<TTask>(this ITaskSource<TTask> source, Rng rng, int count)
        where TTask : ITask
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var tasks = new TTask[count];
        for (int i = 0; i < count; i++)
        {
            tasks[i] = source.Sample(rng);
        }
        return tasks;
    }
}

using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>Anything that draws few-shot tasks: a classification <see cref="TaskSampler"/> or a regression task family.</summary>
public interface ITaskSource
{
    /// <summary>Draws one task. Everything random comes from <paramref name="rng"/>, so the same seed gives the same task.</summary>
    FewShotTask Sample(Rng rng);
}

/// <summary>Meta-batch helpers for every <see cref="ITaskSource"/>.</summary>
public static class TaskSourceExtensions
{
    /// <summary>Draws a meta-batch of <paramref name="count"/> tasks, one after another from <paramref name="rng"/>.</summary>
    public static IReadOnlyList<FewShotTask> SampleBatch(this ITaskSource source, Rng rng, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var tasks = new FewShotTask[count];
        for (int i = 0; i < count; i++)
        {
            tasks[i] = source.Sample(rng);
        }
        return tasks;
    }
}

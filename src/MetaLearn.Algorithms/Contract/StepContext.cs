using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// What a learner's <see cref="IMetaLearner.Step"/> gets besides its state and tasks: a random stream per task and a
/// way to run per-task work. The trainer makes one per meta-step from the run's seed and the step number, so the
/// same step always sees the same streams.
/// </summary>
public sealed class StepContext
{
    private readonly ulong _seed;

    /// <summary>Creates the context of step <paramref name="step"/> of a run seeded with <paramref name="seed"/>.</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="step">The meta-step (1 for the first).</param>
    /// <param name="executor">Runs per-task work; null runs it on the local cores.</param>
    public StepContext(ulong seed, long step, ITaskExecutor? executor = null)
    {
        _seed = seed;
        Step = step;
        Executor = executor ?? new LocalTaskExecutor();
    }

    /// <summary>The meta-step this context belongs to (1 for the first).</summary>
    public long Step { get; }

    /// <summary>How per-task work runs.</summary>
    public ITaskExecutor Executor { get; }

    /// <summary>
    /// The random stream of task <paramref name="task"/> of this step: a function of (seed, step, task) only, so it is the
    /// same whichever thread or process runs the task. Dropout masks, reparameterisation noise and rollouts draw from it.
    /// </summary>
    public Rng TaskRng(int task)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(task);
        return new Rng(Mix(Mix(_seed ^ 0x7A5C_0D1E_5EED_0001UL, (ulong)Step), (ulong)task));
    }

    /// <summary>
    /// Runs <paramref name="body"/> for tasks 0..<paramref name="count"/>-1 (in parallel where the executor can) and
    /// returns the results in task order. The body must build its own graph and take gradients with
    /// <c>Autograd.Grad</c>, never <c>Backward</c> (which writes into shared leaves).
    /// </summary>
    public TaskResult[] Map(int count, Func<int, TaskResult> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Executor.Map(count, body);
    }

    private static ulong Mix(ulong a, ulong b)
    {
        // SplitMix64's finaliser over the pair: neighbouring steps and tasks get unrelated seeds.
        ulong z = a + (b * 0x9E3779B97F4A7C15UL) + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>Runs the per-task work of a step and returns the results in task order: on local threads, or (distributed) across processes.</summary>
public interface ITaskExecutor
{
    /// <summary>Runs <paramref name="body"/> for every task index and returns the results in index order.</summary>
    TaskResult[] Map(int count, Func<int, TaskResult> body);
}

/// <summary>
/// Runs tasks on up to <see cref="MaxDegreeOfParallelism"/> local threads, each task in its own <see cref="TensorScope"/>
/// (its graph's memory is reused by the next task; the result tensors are kept). Results do not depend on the thread count.
/// </summary>
/// <param name="maxDegreeOfParallelism">Tasks run at once (default: the processor count).</param>
/// <param name="detectAnomaly">Run every task inside <c>Autograd.DetectAnomaly()</c>, so the first op that makes a NaN or infinity throws, naming it.</param>
public sealed class LocalTaskExecutor(int maxDegreeOfParallelism = 0, bool detectAnomaly = false) : ITaskExecutor
{
    /// <summary>Tasks run at once.</summary>
    public int MaxDegreeOfParallelism { get; } = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;

    /// <summary>Whether tasks run with anomaly detection.</summary>
    public bool DetectAnomaly { get; } = detectAnomaly;

    /// <inheritdoc/>
    public TaskResult[] Map(int count, Func<int, TaskResult> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return TaskParallel.Map(count, MaxDegreeOfParallelism, i =>
        {
            using IDisposable? anomaly = DetectAnomaly ? Autograd.DetectAnomaly() : null;
            using TensorScope scope = TensorScope.Begin(); // a task's graph is dead once its result is taken
            TaskResult result = body(i);
            foreach (Tensor t in result.Tensors)
            {
                scope.Keep(t);
            }
            return result;
        });
    }
}

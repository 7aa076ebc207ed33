namespace MetaLearn.Kernels;

/// <summary>
/// How many threads one kernel call may use. A meta-batch that already runs its tasks in parallel wraps them
/// in <c>using (KernelParallelism.Limit(1)) { ... }</c> so that a large GEMM inside a task does not fork again
/// and oversubscribe the cores.
/// </summary>
/// <remarks>
/// The setting is scoped and flows like an <see cref="AsyncLocal{T}"/>: it holds for the calling thread and for
/// tasks and <see cref="Parallel"/> loops started inside the scope, and nowhere else. The thread count never
/// changes results: kernels that split work hand each output element to exactly one thread and compute it by
/// the same sequence of operations as a single thread would.
/// </remarks>
public static class KernelParallelism
{
    private static readonly AsyncLocal<int> Limit_ = new();

    /// <summary>The most threads a kernel call started here may use: the innermost <see cref="Limit"/>, else the processor count.</summary>
    public static int MaxThreads
    {
        get
        {
            int limit = Limit_.Value;
            return limit > 0 ? Math.Min(limit, Environment.ProcessorCount) : Environment.ProcessorCount;
        }
    }

    /// <summary>
    /// Caps kernel threads at <paramref name="maxThreads"/> until the returned scope is disposed; scopes nest, and
    /// disposing restores the enclosing limit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxThreads"/> is below 1.</exception>
    public static Scope Limit(int maxThreads)
    {
        if (maxThreads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "KernelParallelism.Limit: a kernel needs at least 1 thread.");
        }
        int previous = Limit_.Value;
        Limit_.Value = maxThreads;
        return new Scope(previous);
    }

    /// <summary>Restores the enclosing thread limit when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly int previous;

        internal Scope(int previous) => this.previous = previous;

        /// <summary>Restores the limit that held when the scope was opened.</summary>
        public void Dispose() => Limit_.Value = previous;
    }
}

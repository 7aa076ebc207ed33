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
internal static class KernelParallelism
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

    /// <summary>Element counts from which a memory-bound kernel (batch norm, pooling, gathers) splits across threads.</summary>
    internal const long MinParallelElements = 1 << 18;

    /// <summary>
    /// Runs <paramref name="body"/> over contiguous ranges of [0, <paramref name="count"/>), one per thread, when
    /// <paramref name="elements"/> (the data the call touches) reaches <see cref="MinParallelElements"/>; otherwise
    /// once over the whole range on the calling thread.
    /// </summary>
    internal static void ForRanges(int count, long elements, Action<int, int> body) =>
        RunRanges(count, elements >= MinParallelElements ? Math.Min(MaxThreads, count) : 1, body);

    /// <summary>Splits [0, count) into <paramref name="threads"/> contiguous ranges; kernels called inside stay single-threaded.</summary>
    internal static void RunRanges(int count, int threads, Action<int, int> body)
    {
        if (threads <= 1)
        {
            body(0, count);
            return;
        }
        using Scope single = Limit(1);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            body((int)((long)count * t / threads), (int)((long)count * (t + 1) / threads)));
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

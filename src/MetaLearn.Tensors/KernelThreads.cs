using MetaLearn.Kernels;

namespace MetaLearn.Tensors;

/// <summary>
/// How many threads one tensor op may use. Code that already runs independent work in parallel (the tasks of a
/// meta-batch) caps it at one, so a large product inside a task does not fork again and oversubscribe the cores.
/// The setting is scoped like an <see cref="AsyncLocal{T}"/> (this thread, and tasks started inside the scope), and
/// never changes results: every op gives bit-identical values on any number of threads.
/// </summary>
public static class KernelThreads
{
    /// <summary>The most threads an op started here may use.</summary>
    public static int Max => KernelParallelism.MaxThreads;

    /// <summary>Caps op threads at <paramref name="maxThreads"/> until the returned scope is disposed; scopes nest.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxThreads"/> is below 1.</exception>
    public static IDisposable Limit(int maxThreads) => KernelParallelism.Limit(maxThreads);
}

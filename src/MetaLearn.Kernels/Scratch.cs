namespace MetaLearn.Kernels;

/// <summary>
/// A per-thread scratch array that only grows. Kernels borrow it for the length of one call and never hold it
/// across calls, so no synchronisation is needed.
/// </summary>
/// <remarks>
/// Used instead of <c>ArrayPool.Shared</c> for hot scratch: the shared pool trims itself on every gen2 collection,
/// which image workloads (large activations, compacting GC) trigger often; a convolution profile showed 14% of
/// the time in the pool's trim callback and re-renting.
/// </remarks>
internal static class Scratch<T>
{
    [ThreadStatic] private static T[]? t_buffer;
    [ThreadStatic] private static T[]? t_prepared;

    /// <summary>This thread's buffer, at least <paramref name="length"/> long (contents unspecified).</summary>
    public static T[] Get(int length) => Grow(ref t_buffer, length);

    /// <summary>
    /// A second buffer for an operand a kernel prepares on the calling thread and then reads from the ranges it runs
    /// (which may include the calling thread, using <see cref="Get"/>): transformed weights, say.
    /// </summary>
    public static T[] Prepared(int length) => Grow(ref t_prepared, length);

    private static T[] Grow(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new T[Math.Max(length, (buffer?.Length ?? 0) * 2)];
        }
        return buffer;
    }
}

using System.Runtime.ExceptionServices;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>Runs independent per-task work on several threads and returns the results in task order.</summary>
internal static class TaskParallel
{
    public static T[] Map<T>(int count, int maxDegreeOfParallelism, Func<int, T> body)
    {
        var results = new T[count];
        if (maxDegreeOfParallelism <= 1 || count <= 1)
        {
            for (int i = 0; i < count; i++)
            {
                results[i] = body(i);
            }
            return results;
        }
        try
        {
            // The tasks fill the cores: kernels inside a task stay on its thread instead of forking again.
            using IDisposable single = KernelThreads.Limit(1);
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, i => results[i] = body(i));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Surface the task's own exception (with its message naming the setting), not a wrapper.
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return results;
    }
}

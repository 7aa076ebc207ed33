using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// What one task of a meta-batch contributes to a step: tensors (a gradient, a pseudo-gradient, a Hessian-vector
/// product) in a fixed order, and the task's metrics. Plain tensors and numbers, so results can be gathered from
/// other threads or other processes and combined in task order.
/// </summary>
/// <param name="Tensors">Detached tensors, in an order the learner fixes (e.g. the parameter order).</param>
/// <param name="Metrics">The task's metrics, e.g. its query loss and accuracy.</param>
public sealed record TaskResult(IReadOnlyList<Tensor> Tensors, MetricValues Metrics)
{
    /// <summary>
    /// The element-wise mean of every task's tensors, summed in task order (floating-point addition is not
    /// associative; a fixed order is what makes a seed give the same result on any number of threads or processes).
    /// </summary>
    public static Tensor[] MeanTensors(IReadOnlyList<TaskResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            throw new ArgumentException("TaskResult.MeanTensors: no results to average.", nameof(results));
        }
        using (Autograd.NoGrad())
        {
            Tensor[] sum = [.. results[0].Tensors];
            for (int i = 1; i < results.Count; i++)
            {
                IReadOnlyList<Tensor> t = results[i].Tensors;
                if (t.Count != sum.Length)
                {
                    throw new ArgumentException($"TaskResult.MeanTensors: task {i} returned {t.Count} tensors, task 0 returned {sum.Length}.");
                }
                for (int k = 0; k < sum.Length; k++)
                {
                    sum[k] = sum[k] + t[k];
                }
            }
            double scale = 1.0 / results.Count;
            return [.. sum.Select(s => (s * scale).Detach())];
        }
    }
}

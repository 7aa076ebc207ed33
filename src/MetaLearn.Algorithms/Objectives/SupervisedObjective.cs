using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// The objective of learners that predict labels or targets (MAML, Meta-SGD, ANIL, Reptile, the metric learners):
/// cross-entropy with accuracy for classification tasks, mean squared error for regression tasks, and the metrics
/// they report, each with its direction.
/// </summary>
public static class SupervisedObjective
{
    /// <summary>The training objective, reported by every step: the mean query loss after adaptation.</summary>
    public static readonly MetricSpec Loss = MetricSpec.Lower("loss", "query loss after adaptation (cross-entropy or MSE), the training objective");

    /// <summary>Classification: the fraction of query samples whose largest logit is at the label.</summary>
    public static readonly MetricSpec Accuracy = MetricSpec.Higher("accuracy", "fraction of query samples classified correctly after adaptation");

    /// <summary>Regression: the mean squared error on the query points.</summary>
    public static readonly MetricSpec Mse = MetricSpec.Lower("mse", "mean squared error on the query points after adaptation");

    private static readonly MetricSet s_classification = new([Accuracy, Loss], Accuracy.Name);
    private static readonly MetricSet s_regression = new([Mse, Loss], Mse.Name);

    /// <summary>The metrics for tasks of <paramref name="kind"/> (classification or regression).</summary>
    public static MetricSet Metrics(string learner, TaskKind kind) => kind switch
    {
        TaskKind.Classification => s_classification,
        TaskKind.Regression => s_regression,
        _ => throw new ArgumentException($"{learner}: learns from labelled or regression tasks, not {kind} tasks."),
    };

    /// <summary>
    /// The differentiable loss of <paramref name="output"/> against labels (cross-entropy; <paramref name="output"/> must be
    /// <c>[N, ways]</c>) or targets (MSE).
    /// </summary>
    public static Tensor LossOf(string learner, Tensor output, int[]? labels, Tensor? targets, int ways)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (labels is not null)
        {
            if (output.Rank != 2 || output.Shape[1] != ways)
            {
                throw new ArgumentException(
                    $"{learner}: the model produced outputs of shape [{string.Join(", ", output.Shape.ToArray())}] for a {ways}-way task; " +
                    $"the head must have {ways} outputs (set the backbone's ways to the task's ways).");
            }
            return Functional.CrossEntropy(output, labels);
        }
        if (targets is null)
        {
            throw new ArgumentException($"{learner}: the task has neither labels nor regression targets.");
        }
        return Functional.MseLoss(output, targets);
    }

    /// <summary>The loss on a support set.</summary>
    public static Tensor SupportLoss(string learner, Tensor output, SupportSet support)
    {
        ArgumentNullException.ThrowIfNull(support);
        return LossOf(learner, output, support.Labels, support.Targets, support.Ways);
    }

    /// <summary>The loss on a task's query set.</summary>
    public static Tensor QueryLoss(string learner, Tensor output, FewShotTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return LossOf(learner, output, task.QueryLabels, task.QueryTargets, task.Ways);
    }

    /// <summary>A training step's metrics for one task: <c>loss</c>, and <c>accuracy</c> for classification.</summary>
    public static MetricValues StepMetrics(Tensor queryOutput, Tensor queryLoss, FewShotTask task)
    {
        ArgumentNullException.ThrowIfNull(queryLoss);
        ArgumentNullException.ThrowIfNull(task);
        return task.QueryLabels is { } labels
            ? new MetricValues((Loss.Name, queryLoss.Item()), (Accuracy.Name, AccuracyOf(queryOutput, labels)))
            : new MetricValues((Loss.Name, queryLoss.Item()));
    }

    /// <summary>An evaluation episode's metrics: <c>accuracy</c> and <c>loss</c> (classification) or <c>mse</c> and <c>loss</c> (regression).</summary>
    public static MetricValues Score(Tensor queryOutput, FewShotTask task)
    {
        ArgumentNullException.ThrowIfNull(queryOutput);
        ArgumentNullException.ThrowIfNull(task);
        using (Autograd.NoGrad())
        {
            double loss = QueryLoss("evaluation", queryOutput, task).Item();
            return task.QueryLabels is { } labels
                ? new MetricValues((Accuracy.Name, AccuracyOf(queryOutput, labels)), (Loss.Name, loss))
                : new MetricValues((Mse.Name, loss), (Loss.Name, loss));
        }
    }

    /// <summary>Fraction of rows whose largest logit is at the label (the first maximum wins ties).</summary>
    public static double AccuracyOf(Tensor logits, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        int[] predicted = logits.ArgMax(1);
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return labels.Length == 0 ? 0 : (double)correct / labels.Length;
    }
}

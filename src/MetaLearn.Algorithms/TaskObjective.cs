using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>The loss and metric of a task: cross-entropy and accuracy for classification, MSE for regression.</summary>
internal static class TaskObjective
{
    public static Tensor Loss(string learner, Tensor output, int[]? labels, Tensor? targets, int ways)
    {
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

    public static Tensor SupportLoss(string learner, Tensor output, SupportSet s) => Loss(learner, output, s.Labels, s.Targets, s.Ways);

    public static Tensor QueryLoss(string learner, Tensor output, FewShotTask t) => Loss(learner, output, t.QueryLabels, t.QueryTargets, t.Ways);

    /// <summary>Fraction of rows whose largest logit is at the label.</summary>
    public static double Accuracy(Tensor logits, int[] labels)
    {
        int[] predicted = logits.ArgMax(1);
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return labels.Length == 0 ? 0 : (double)correct / labels.Length;
    }

    /// <summary>The episode metric: accuracy (classification) or MSE (regression) of <paramref name="output"/> on the query set.</summary>
    public static double Metric(Tensor output, FewShotTask task)
    {
        if (task.QueryLabels is { } labels)
        {
            return Accuracy(output, labels);
        }
        using (Autograd.NoGrad())
        {
            return Functional.MseLoss(output, task.QueryTargets!).Item();
        }
    }
}

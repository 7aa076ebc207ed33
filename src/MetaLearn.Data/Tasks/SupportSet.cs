using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// The labelled part of a task that adaptation may see. Passing this instead of the whole <see cref="FewShotTask"/>
/// makes it impossible for <see cref="IMetaLearner.Adapt"/> to peek at the query labels.
/// </summary>
/// <param name="Inputs">Support inputs, first dimension = support rows.</param>
/// <param name="Labels">Class labels 0..Ways-1 (classification), else null.</param>
/// <param name="Targets">Regression targets, else null.</param>
/// <param name="Ways">Classes in the task; 0 for regression.</param>
public sealed record SupportSet(Tensor Inputs, int[]? Labels, Tensor? Targets, int Ways)
{
    /// <summary>True for a classification support set.</summary>
    public bool IsClassification => Labels is not null;

    /// <summary>The support set of <paramref name="task"/>.</summary>
    public static SupportSet Of(FewShotTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new SupportSet(task.SupportInputs, task.SupportLabels, task.SupportTargets, task.Ways);
    }
}

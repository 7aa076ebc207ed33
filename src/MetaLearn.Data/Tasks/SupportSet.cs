using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// The support set of a data task: inputs, with class labels (classification), regression targets, or neither
/// (unlabeled). A user's own labelled folder becomes one of these too.
/// </summary>
/// <param name="Inputs">Support inputs, first dimension = support rows.</param>
/// <param name="Labels">Class labels 0..Ways-1 (classification), else null.</param>
/// <param name="Targets">Regression targets, else null.</param>
/// <param name="Ways">Classes in the task; 0 for regression and unlabeled sets.</param>
public sealed record SupportSet(Tensor Inputs, int[]? Labels, Tensor? Targets, int Ways) : TaskSupport
{
    /// <summary>True for a classification support set.</summary>
    public bool IsClassification => Labels is not null;

    /// <inheritdoc/>
    public override TaskKind Kind => Labels is not null ? TaskKind.Classification : Targets is not null ? TaskKind.Regression : TaskKind.Unlabeled;

    /// <summary>An unlabeled support set of <paramref name="inputs"/>.</summary>
    public static SupportSet Unlabeled(Tensor inputs) => new(inputs, null, null, 0);

    /// <summary>Support rows.</summary>
    public int Rows => Inputs.Shape[0];
}

using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// A task of inputs only: a support set to adapt on (an autoencoder's reconstructions, a VAE's posterior) and a query
/// set to measure on. No labels exist in it; a sampler that builds one never reads its dataset's labels.
/// </summary>
public sealed class UnlabeledTask : ITask
{
    /// <summary>Makes the task; both sets need at least one row and the same sample shape.</summary>
    public UnlabeledTask(Tensor supportInputs, Tensor queryInputs, string description = "")
    {
        ArgumentNullException.ThrowIfNull(supportInputs);
        ArgumentNullException.ThrowIfNull(queryInputs);
        ArgumentNullException.ThrowIfNull(description);
        if (supportInputs.Rank == 0 || queryInputs.Rank != supportInputs.Rank
            || !supportInputs.Shape[1..].SequenceEqual(queryInputs.Shape[1..]))
        {
            throw new ArgumentException(
                $"UnlabeledTask: support [{string.Join(", ", supportInputs.Shape.ToArray())}] and query [{string.Join(", ", queryInputs.Shape.ToArray())}] " +
                "must be [rows, ...sample shape] with the same sample shape.");
        }
        SupportInputs = supportInputs;
        QueryInputs = queryInputs;
        Description = description;
    }

    /// <summary>Support inputs [rows, ...].</summary>
    public Tensor SupportInputs { get; }

    /// <summary>Query inputs [rows, ...].</summary>
    public Tensor QueryInputs { get; }

    /// <inheritdoc/>
    public TaskKind Kind => TaskKind.Unlabeled;

    /// <inheritdoc/>
    TaskSupport ITask.Support => Support;

    /// <summary>The support inputs as an unlabeled support set.</summary>
    public SupportSet Support => SupportSet.Unlabeled(SupportInputs);

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public override string ToString() => $"UnlabeledTask, {SupportInputs.Shape[0]} support / {QueryInputs.Shape[0]} query inputs{(Description.Length > 0 ? ": " + Description : "")}";
}

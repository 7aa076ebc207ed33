using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// One step of building a task, in learn2learn's vocabulary (NWays, KShots, RemapLabels, ...). A
/// <see cref="TaskSampler"/> runs its transforms in order on a fresh <see cref="TaskDraft"/> for every task.
/// </summary>
public interface ITaskTransform
{
    /// <summary>Checks once, when the sampler is built, that this transform can work on <paramref name="dataset"/>; throws a clear error if not.</summary>
    void Validate(ILabeledDataset dataset);

    /// <summary>Updates <paramref name="draft"/>, drawing any randomness from <paramref name="rng"/>.</summary>
    void Apply(TaskDraft draft, Rng rng);
}

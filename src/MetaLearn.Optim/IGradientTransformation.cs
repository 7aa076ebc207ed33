using MetaLearn.Tensors;

namespace MetaLearn.Optim;

/// <summary>
/// An optimizer, or one stage of one, in the style of optax (Babuschkin et al. 2020): a pair of pure functions.
/// <see cref="Init"/> makes the state for a set of parameters; <see cref="Update"/> turns gradients into updates
/// (to be added to the parameters, see <see cref="Updates.Apply"/>) and returns the next state. Nothing is mutated.
/// </summary>
/// <remarks>
/// The state is itself a <see cref="ParameterSet"/> (e.g. <c>mu.weight</c>, <c>nu.weight</c>, <c>count</c>), so it
/// can be checkpointed like parameters. Updates are computed with tensor ops, so when the gradients carry a graph
/// (taken with <c>createGraph: true</c> in an inner loop) the updates do too and a meta-gradient flows through the
/// optimizer, including through hyperparameters held as tensors (<see cref="ScaleByLearnedRates"/>).
/// </remarks>
public interface IGradientTransformation
{
    /// <summary>The initial state for <paramref name="parameters"/> (moments are zeros, counters are 0).</summary>
    ParameterSet Init(ParameterSet parameters);

    /// <summary>
    /// Transforms <paramref name="gradients"/> into updates. <paramref name="parameters"/> (the current values) are needed
    /// only by transforms that read them, such as weight decay; the others accept null.
    /// </summary>
    (ParameterSet Updates, ParameterSet State) Update(ParameterSet gradients, ParameterSet state, ParameterSet? parameters = null);
}

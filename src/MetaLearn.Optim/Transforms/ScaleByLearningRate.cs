using MetaLearn.Tensors;

namespace MetaLearn.Optim;

/// <summary>
/// <c>u = -lr(t) * g</c>, with <c>t</c> the number of earlier updates: the last stage of every optimizer here,
/// turning a descent direction into a step. State: <c>count</c>.
/// </summary>
public sealed class ScaleByLearningRate : IGradientTransformation
{
    /// <summary>Creates the stage; a number converts to a constant schedule (validated to be finite and &gt;= 0).</summary>
    public ScaleByLearningRate(Schedule learningRate)
    {
        ArgumentNullException.ThrowIfNull(learningRate);
        LearningRate = learningRate;
    }

    /// <summary>The learning-rate schedule.</summary>
    public Schedule LearningRate { get; }

    /// <inheritdoc/>
    public ParameterSet Init(ParameterSet parameters) => ParameterSet.Of((StateKeys.Count, StateKeys.CountTensor(0)));

    /// <inheritdoc/>
    public (ParameterSet Updates, ParameterSet State) Update(ParameterSet gradients, ParameterSet state, ParameterSet? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        long t = StateKeys.ReadCount("ScaleByLearningRate", state);
        double lr = LearningRate[t];
        return (gradients.Map(g => g * -lr), ParameterSet.Of((StateKeys.Count, StateKeys.CountTensor(t + 1))));
    }
}

using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// A model fitted to one task by <see cref="IMetaLearner.Adapt"/>. What it can do is the capability interfaces it
/// implements (<see cref="Capability"/>); ask for one with a type test, e.g. <c>adapted as IClassifier</c>. Every method
/// runs without recording a graph.
/// </summary>
public interface IAdaptedModel
{
}

/// <summary>Outputs for new inputs: logits for classification, values for regression.</summary>
public interface IPredictor : IAdaptedModel
{
    /// <summary>
    /// Outputs <c>[N, ...]</c> for <paramref name="inputs"/> <c>[N, ...]</c>. One input's output does not depend on the
    /// other inputs: batch-normalised models normalise with the support set's statistics.
    /// </summary>
    Tensor Predict(Tensor inputs);
}

/// <summary>
/// A predictor with batch normalisation that can also predict transductively: the inputs normalised as one batch by their
/// own statistics, as MAML's published evaluation does. Only <see cref="BatchNormAtTest.Transductive"/> evaluation calls it.
/// </summary>
public interface ITransductivePredictor : IPredictor
{
    /// <summary>Outputs for <paramref name="inputs"/> normalised together; each output depends on all the inputs.</summary>
    Tensor PredictTransductive(Tensor inputs);
}

/// <summary>A classifier over the support set's classes; <see cref="IPredictor.Predict"/> returns logits <c>[N, Ways]</c>.</summary>
public interface IClassifier : IPredictor
{
    /// <summary>The number of classes (the support set's ways).</summary>
    int Ways { get; }
}

/// <summary>A predictive distribution for new inputs (neural processes, VERSA): mean and variance, and a log-likelihood.</summary>
public interface IDistributionPredictor : IAdaptedModel
{
    /// <summary>The predictive distribution at <paramref name="inputs"/>.</summary>
    PredictiveDistribution PredictDistribution(Tensor inputs);
}

/// <summary>A Gaussian predictive distribution, element-wise independent.</summary>
/// <param name="Mean">The mean <c>[N, ...]</c>.</param>
/// <param name="Variance">The variance, shaped like the mean, positive.</param>
public sealed record PredictiveDistribution(Tensor Mean, Tensor Variance)
{
    /// <summary>The log-density of <paramref name="targets"/> summed over each row's elements: <c>[N]</c>.</summary>
    public Tensor LogLikelihood(Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        using (Autograd.NoGrad())
        {
            Tensor perElement = -0.5 * ((targets - Mean).Square() / Variance + Variance.Log() + Math.Log(2 * Math.PI));
            return perElement.Reshape(Mean.Shape[0], -1).Sum(1);
        }
    }
}

/// <summary>Draws new inputs like the task's support set (a generative model adapted to the task).</summary>
public interface ISampler : IAdaptedModel
{
    /// <summary><paramref name="count"/> new samples <c>[count, ...]</c>, drawn from <paramref name="rng"/>.</summary>
    Tensor Sample(int count, Rng rng);
}

/// <summary>Reconstructs inputs through an autoencoder adapted to the task.</summary>
public interface IReconstructor : IAdaptedModel
{
    /// <summary>The reconstruction of each row of <paramref name="inputs"/>, shaped like it.</summary>
    Tensor Reconstruct(Tensor inputs);
}

/// <summary>A vector for each input: an autoencoder's code, a metric learner's embedding.</summary>
public interface IEmbedder : IAdaptedModel
{
    /// <summary>One embedding per row of <paramref name="inputs"/>: <c>[N, D]</c>; a row's embedding does not depend on the other rows.</summary>
    Tensor Embed(Tensor inputs);
}

/// <summary>A vector that describes the whole task (the neural statistician's context, a task posterior's mean).</summary>
public interface ITaskEmbedder : IAdaptedModel
{
    /// <summary>The task's embedding <c>[D]</c>.</summary>
    Tensor TaskEmbedding { get; }
}

/// <summary>Acts in an environment after adapting to it.</summary>
public interface IPolicy : IAdaptedModel
{
    /// <summary>An action for <paramref name="observation"/>, drawn from <paramref name="rng"/> when the policy is stochastic.</summary>
    Tensor Act(Tensor observation, Rng rng);
}

using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// The one contract every meta-learner meets: <see cref="MetaStep"/> computes the meta-gradient of a meta-batch
/// without changing anything, and <see cref="Adapt"/> fits the current meta-parameters to one new task. Training,
/// evaluation, checkpoints and the CLI are written once against this interface.
/// </summary>
/// <remarks>
/// The outer update is not part of a learner: <see cref="MetaStepResult.Gradient"/> is handed to an optimizer
/// (<c>MetaLearn.Optim</c>) by <see cref="MetaTrainer"/>, which then sets <see cref="Parameters"/>. Reptile fits the
/// same shape by returning its pseudo-gradient <c>theta - mean(phi)</c>, so SGD with the meta step size is its update.
/// </remarks>
public interface IMetaLearner
{
    /// <summary>A short algorithm name recorded in checkpoints, e.g. <c>maml</c>, <c>fomaml</c>, <c>protonet</c>.</summary>
    string Algorithm { get; }

    /// <summary>The network (architecture, buffers and <see cref="Module.Training"/> mode).</summary>
    Module Model { get; }

    /// <summary>
    /// The meta-parameters, as leaves requiring gradients: the model's trainable tensors and any learned extras
    /// (Meta-SGD's inner learning rates). Setting them requires the same names and shapes.
    /// </summary>
    ParameterSet Parameters { get; set; }

    /// <summary>The learner's settings as a JSON object, recorded in checkpoints and metrics.</summary>
    string ConfigJson { get; }

    /// <summary>Throws, naming the setting, when <paramref name="task"/> cannot be used with this learner (e.g. its ways differ from the head size).</summary>
    void Validate(FewShotTask task);

    /// <summary>
    /// Adapts to every task of <paramref name="batch"/> (in parallel), measures the query loss and returns the mean
    /// meta-gradient with respect to <see cref="Parameters"/>, summed in task order so the result does not depend on
    /// the number of threads. Nothing is mutated.
    /// </summary>
    MetaStepResult MetaStep(IReadOnlyList<FewShotTask> batch);

    /// <summary>A model fitted to one task from its support set alone. Must not be called inside <c>Autograd.NoGrad()</c>.</summary>
    IAdaptedModel Adapt(SupportSet support);
}

/// <summary>A model fitted to one task.</summary>
public interface IAdaptedModel
{
    /// <summary>Logits <c>[N, ways]</c> (classification) or outputs <c>[N, ...]</c> (regression) for <paramref name="queryInputs"/>, without a graph.</summary>
    Tensor Predict(Tensor queryInputs);
}

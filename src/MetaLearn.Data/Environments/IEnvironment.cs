using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// An environment in the spirit of Gymnasium: <see cref="Reset"/> starts an episode, <see cref="Step"/> applies an
/// action. One instance runs one episode at a time and is not thread-safe; a task makes a fresh one per rollout.
/// </summary>
/// <remarks>
/// The contract only: environment families, vectorised batches and rollouts arrive with meta-reinforcement learning
/// (<c>MetaLearn.RL</c>). It lives here so that task sources, the trainer and the evaluator handle environment tasks
/// like any other.
/// </remarks>
public interface IEnvironment
{
    /// <summary>Length of the (flat, float32) observation vector.</summary>
    int ObservationSize { get; }

    /// <summary>The actions the environment accepts.</summary>
    ActionSpace Actions { get; }

    /// <summary>Starts an episode; the initial observation <c>[ObservationSize]</c>. All randomness comes from <paramref name="rng"/>.</summary>
    Tensor Reset(Rng rng);

    /// <summary>Applies <paramref name="action"/> (a discrete index as a scalar, or a continuous vector) and returns what happened.</summary>
    EnvironmentStep Step(Tensor action);
}

/// <summary>The outcome of one <see cref="IEnvironment.Step"/>.</summary>
/// <param name="Observation">The next observation <c>[ObservationSize]</c>.</param>
/// <param name="Reward">The reward of this transition.</param>
/// <param name="Terminated">The episode reached a terminal state (the goal, a fall).</param>
/// <param name="Truncated">The episode was cut off (a step limit) in a non-terminal state.</param>
public sealed record EnvironmentStep(Tensor Observation, double Reward, bool Terminated, bool Truncated);

/// <summary>An action space: <see cref="Discrete"/> actions 0..Count-1, or a continuous box of <see cref="Size"/> values in [Low, High].</summary>
/// <param name="Discrete">True for a finite set of actions.</param>
/// <param name="Size">The number of discrete actions, or the length of a continuous action vector.</param>
/// <param name="Low">The lower bound of each continuous component (unused when discrete).</param>
/// <param name="High">The upper bound of each continuous component (unused when discrete).</param>
public sealed record ActionSpace(bool Discrete, int Size, double Low = double.NegativeInfinity, double High = double.PositiveInfinity);

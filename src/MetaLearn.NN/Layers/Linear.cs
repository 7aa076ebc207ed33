using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// Fully connected layer <c>y = x W^T + b</c> (<see cref="Functional.Linear"/>), parameters <c>weight [out, in]</c>
/// and <c>bias [out]</c>, initialised as PyTorch's <c>nn.Linear</c> (U(-1/sqrt(in), 1/sqrt(in)) for both).
/// </summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer with PyTorch's default initialisation drawn from <paramref name="rng"/>.</summary>
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inFeatures < 1 || outFeatures < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear: feature counts must be positive; got in {inFeatures}, out {outFeatures}.");
        }
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        HasBias = bias;
        ParameterSet p = ParameterSet.Of(("weight", Init.DefaultWeight(rng, [outFeatures, inFeatures], dtype)));
        OwnParameters = (bias ? p.With("bias", Init.DefaultBias(rng, outFeatures, inFeatures, dtype)) : p).AsLeaves();
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>Whether the layer adds a bias.</summary>
    public bool HasBias { get; }

    /// <inheritdoc/>
    public override string Label => $"Linear({InFeatures} -> {OutFeatures}{(HasBias ? "" : ", no bias")})";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context)
        => Functional.Linear(x, Require(parameters, "weight"), HasBias ? Require(parameters, "bias") : null);
}

using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>Flattens dimensions <see cref="StartDim"/>..end into one (default: keep the batch dimension), as <c>nn.Flatten</c>.</summary>
public sealed class Flatten(int startDim = 1) : Module
{
    /// <summary>First dimension to merge.</summary>
    public int StartDim { get; } = startDim;

    /// <inheritdoc/>
    public override string Label => $"Flatten({StartDim})";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context) => x.Flatten(StartDim);
}

using MetaLearn.Tensors;

namespace MetaLearn.NN;

// Parameter-free elementwise nonlinearities. They are one family, so they share a file.

/// <summary><c>max(x, 0)</c>; gradient 0 at 0, as PyTorch.</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context) => x.Relu();
}

/// <summary>
/// <c>x</c> where <c>x &gt; 0</c>, else <c>slope * x</c>; gradient <c>slope</c> at 0, as PyTorch. Composed from
/// <see cref="Tensor.Where"/>, so its derivatives of any order come from the primitives.
/// </summary>
public sealed class LeakyReLU : Module
{
    /// <summary>Creates the layer with PyTorch's default slope 0.01 (ResNet-12 uses 0.1).</summary>
    public LeakyReLU(double negativeSlope = 0.01)
    {
        if (!double.IsFinite(negativeSlope))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), $"LeakyReLU: negative slope must be finite; got {negativeSlope}.");
        }
        NegativeSlope = negativeSlope;
    }

    /// <summary>Slope for negative inputs.</summary>
    public double NegativeSlope { get; }

    /// <inheritdoc/>
    public override string Label => $"LeakyReLU({NegativeSlope})";

    /// <summary>The function itself, for use outside a module.</summary>
    public static Tensor Apply(Tensor x, double negativeSlope) => Tensor.Where(x.Greater(0), x, x * negativeSlope);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context) => Apply(x, NegativeSlope);
}

/// <summary><c>1 / (1 + e^-x)</c>.</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context) => x.Sigmoid();
}

/// <summary>Hyperbolic tangent.</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context) => x.Tanh();
}

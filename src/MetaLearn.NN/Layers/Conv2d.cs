using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// 2-D convolution (<see cref="Functional.Conv2d"/>) with square kernels, parameters <c>weight [out, in, k, k]</c>
/// and <c>bias [out]</c>, initialised as PyTorch's <c>nn.Conv2d</c>.
/// </summary>
public sealed class Conv2d : Module
{
    /// <summary>Creates the layer with PyTorch's default initialisation drawn from <paramref name="rng"/>.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0, bool bias = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize),
                $"Conv2d: channels and kernel size must be positive; got in {inChannels}, out {outChannels}, kernel {kernelSize}.");
        }
        if (stride < 1 || padding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), $"Conv2d: stride must be >= 1 and padding >= 0; got stride {stride}, padding {padding}.");
        }
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        HasBias = bias;
        ParameterSet p = ParameterSet.Of(("weight", Init.DefaultWeight(rng, [outChannels, inChannels, kernelSize, kernelSize], dtype)));
        OwnParameters = (bias ? p.With("bias", Init.DefaultBias(rng, outChannels, inChannels * kernelSize * kernelSize, dtype)) : p).AsLeaves();
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel height and width.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public int Padding { get; }

    /// <summary>Whether the layer adds a bias.</summary>
    public bool HasBias { get; }

    /// <inheritdoc/>
    public override string Label => $"Conv2d({InChannels} -> {OutChannels}, {KernelSize}x{KernelSize}, stride {Stride}, padding {Padding}{(HasBias ? "" : ", no bias")})";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context)
        => Functional.Conv2d(x, Require(parameters, "weight"), HasBias ? Require(parameters, "bias") : null, Stride, Padding);
}

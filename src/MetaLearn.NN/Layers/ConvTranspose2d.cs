using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// Transposed 2-D convolution (<see cref="Functional.ConvTranspose2d"/>) with square kernels, the upsampling layer of
/// convolutional decoders: parameters <c>weight [in, out, k, k]</c> and <c>bias [out]</c>, initialised as PyTorch's
/// <c>nn.ConvTranspose2d</c> (fan-in from the weight's second dimension, as PyTorch computes it). Output side
/// <c>(H - 1) * stride - 2 * padding + k + outputPadding</c>.
/// </summary>
public sealed class ConvTranspose2d : Module
{
    /// <summary>Creates the layer with PyTorch's default initialisation drawn from <paramref name="rng"/>.</summary>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0, int outputPadding = 0, bool bias = true,
        DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize),
                $"ConvTranspose2d: channels and kernel size must be positive; got in {inChannels}, out {outChannels}, kernel {kernelSize}.");
        }
        if (stride < 1 || padding < 0 || outputPadding < 0 || outputPadding >= stride)
        {
            throw new ArgumentOutOfRangeException(nameof(stride),
                $"ConvTranspose2d: needs stride >= 1, padding >= 0 and 0 <= outputPadding < stride; got stride {stride}, padding {padding}, outputPadding {outputPadding}.");
        }
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        OutputPadding = outputPadding;
        HasBias = bias;
        ParameterSet p = ParameterSet.Of(("weight", Init.DefaultWeight(rng, [inChannels, outChannels, kernelSize, kernelSize], dtype)));
        OwnParameters = (bias ? p.With("bias", Init.DefaultBias(rng, outChannels, outChannels * kernelSize * kernelSize, dtype)) : p).AsLeaves();
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel side.</summary>
    public int KernelSize { get; }

    /// <summary>Stride (the upsampling factor).</summary>
    public int Stride { get; }

    /// <summary>Implicit padding removed from each side of the output.</summary>
    public int Padding { get; }

    /// <summary>Rows and columns added at the bottom and right of the output (less than the stride).</summary>
    public int OutputPadding { get; }

    /// <summary>Whether the layer adds a bias.</summary>
    public bool HasBias { get; }

    /// <inheritdoc/>
    public override string Label => $"ConvTranspose2d({InChannels} -> {OutChannels}, {KernelSize}x{KernelSize}, stride {Stride}, padding {Padding}{(OutputPadding > 0 ? $", output padding {OutputPadding}" : "")}{(HasBias ? "" : ", no bias")})";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context)
        => Functional.ConvTranspose2d(x, Require(parameters, "weight"), HasBias ? Require(parameters, "bias") : null, Stride, Padding, OutputPadding);
}

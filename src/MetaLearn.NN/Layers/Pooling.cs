using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>Max over square windows of <c>[N, C, H, W]</c> (<see cref="Functional.MaxPool2d"/>); no parameters.</summary>
public sealed class MaxPool2d : Module
{
    /// <summary>Creates the layer; <paramref name="stride"/> defaults to the kernel size.</summary>
    public MaxPool2d(int kernelSize, int? stride = null)
    {
        if (kernelSize < 1 || stride is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"MaxPool2d: kernel size and stride must be >= 1; got kernel {kernelSize}, stride {stride}.");
        }
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
    }

    /// <summary>Window height and width.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <inheritdoc/>
    public override string Label => $"MaxPool2d({KernelSize}, stride {Stride})";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context) => Functional.MaxPool2d(x, KernelSize, Stride);
}

/// <summary>Mean over square windows of <c>[N, C, H, W]</c> (<see cref="Functional.AvgPool2d"/>, padding counted); no parameters.</summary>
public sealed class AvgPool2d : Module
{
    /// <summary>Creates the layer; <paramref name="stride"/> defaults to the kernel size.</summary>
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0)
    {
        if (kernelSize < 1 || stride is < 1 || padding < 0 || 2 * padding > kernelSize)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize),
                $"AvgPool2d: need kernel >= 1, stride >= 1 and 0 <= padding <= kernel/2; got kernel {kernelSize}, stride {stride}, padding {padding}.");
        }
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
    }

    /// <summary>Window height and width.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public int Padding { get; }

    /// <inheritdoc/>
    public override string Label => $"AvgPool2d({KernelSize}, stride {Stride}, padding {Padding})";

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context) => Functional.AvgPool2d(x, KernelSize, Stride, Padding);
}

/// <summary>Mean over the spatial dimensions: <c>[N, C, H, W] -> [N, C]</c> (the head input of the Omniglot convnet and ResNet-12).</summary>
public sealed class GlobalAvgPool2d : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4)
        {
            throw new ArgumentException($"GlobalAvgPool2d: input must be [N, C, H, W]; got [{string.Join(", ", x.Shape.ToArray())}].");
        }
        return x.Mean([2, 3]);
    }
}

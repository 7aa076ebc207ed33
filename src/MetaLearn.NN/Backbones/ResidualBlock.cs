using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// The ResNet-12 block: <c>conv-bn-lrelu, conv-bn-lrelu, conv-bn</c>, plus a <c>1x1 conv-bn</c> shortcut, summed, then
/// LeakyReLU(0.1) and 2x2 max-pooling. Convolutions have no bias (batch norm follows each one).
/// </summary>
public sealed class ResidualBlock : Module
{
    private const double Slope = 0.1;
    private readonly (string, Module)[] _children;

    /// <summary>Creates the block.</summary>
    public ResidualBlock(int inChannels, int outChannels, Rng rng, BatchNormMode batchNorm, int steps = 1, DType dtype = DType.Float32)
    {
        int bnSteps = batchNorm == BatchNormMode.PerStepStatistics ? steps : 1;
        Module Bn() => new BatchNorm2d(outChannels, batchNorm, bnSteps, dtype: dtype);
        _children =
        [
            ("conv1", new Conv2d(inChannels, outChannels, 3, rng, padding: 1, bias: false, dtype: dtype)), ("bn1", Bn()),
            ("conv2", new Conv2d(outChannels, outChannels, 3, rng, padding: 1, bias: false, dtype: dtype)), ("bn2", Bn()),
            ("conv3", new Conv2d(outChannels, outChannels, 3, rng, padding: 1, bias: false, dtype: dtype)), ("bn3", Bn()),
            ("shortcut_conv", new Conv2d(inChannels, outChannels, 1, rng, bias: false, dtype: dtype)), ("shortcut_bn", Bn()),
        ];
        Label = $"ResidualBlock({inChannels} -> {outChannels})";
    }

    /// <inheritdoc/>
    public override string Label { get; }

    /// <inheritdoc/>
    protected internal override IReadOnlyList<(string Name, Module Module)> Children => _children;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Tensor Run(int i, Tensor h) => _children[i].Item2.Forward(h, parameters.Scope(_children[i].Item1), context);
        Tensor y = LeakyReLU.Apply(Run(1, Run(0, x)), Slope);
        y = LeakyReLU.Apply(Run(3, Run(2, y)), Slope);
        y = Run(5, Run(4, y));
        Tensor shortcut = Run(7, Run(6, x));
        return LeakyReLU.Apply(Functional.MaxPool2d(y + shortcut, 2), Slope); // pooled first: LeakyReLU is increasing, so they commute
    }
}

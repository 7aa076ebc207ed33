using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// A network split into <see cref="Features"/> (an embedding) and <see cref="Head"/> (the task layer), as learn2learn's
/// backbones: ANIL adapts only the head, ProtoNet uses only the features. Parameters are named <c>features.*</c> and <c>head.*</c>.
/// </summary>
public sealed class Backbone : Module
{
    private readonly (string, Module)[] _children;

    /// <summary>Joins a feature extractor and a head under an architecture name recorded in checkpoints.</summary>
    public Backbone(string architecture, Module features, Module head)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(architecture);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(head);
        Architecture = architecture;
        Features = features;
        Head = head;
        _children = [("features", features), ("head", head)];
    }

    /// <summary>A name with the hyperparameters that fix the parameter shapes, e.g. <c>convnet4(in=1, hidden=64, out=5, 28x28)</c>.</summary>
    public string Architecture { get; }

    /// <summary>The embedding network.</summary>
    public Module Features { get; }

    /// <summary>The task-specific output layer(s).</summary>
    public Module Head { get; }

    /// <inheritdoc/>
    public override string Label => Architecture;

    /// <inheritdoc/>
    protected internal override IReadOnlyList<(string Name, Module Module)> Children => _children;

    /// <summary>The embedding of <paramref name="x"/> under <paramref name="parameters"/> (named like <see cref="Module.Parameters"/>, i.e. with the <c>features.</c> prefix).</summary>
    public Tensor Embed(Tensor x, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Features.Forward(x, parameters.Scope("features"), context);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context)
        => Head.Forward(Embed(x, parameters, context), parameters.Scope("head"), context);
}

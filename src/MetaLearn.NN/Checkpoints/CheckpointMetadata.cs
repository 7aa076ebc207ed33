namespace MetaLearn.NN;

/// <summary>What a checkpoint records besides tensors; stored as strings in the safetensors <c>__metadata__</c> map.</summary>
public sealed record CheckpointMetadata
{
    /// <summary>The architecture the tensors belong to, e.g. <see cref="Backbone.Architecture"/>; checked on restore.</summary>
    public required string Architecture { get; init; }

    /// <summary>The meta-learning algorithm, e.g. <c>maml</c> (free text, may be empty).</summary>
    public string Algorithm { get; init; } = "";

    /// <summary>The run configuration as a JSON document (validated to parse).</summary>
    public string Config { get; init; } = "{}";

    /// <summary>The training step (meta-iteration) the checkpoint was taken at.</summary>
    public long Step { get; init; }
}

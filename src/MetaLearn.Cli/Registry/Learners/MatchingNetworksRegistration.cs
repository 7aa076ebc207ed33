using MetaLearn.Algorithms;
using MetaLearn.Data;

namespace MetaLearn.Cli.Registry;

/// <summary>Matching Networks.</summary>
internal static class MatchingNetworksRegistration
{
    public static readonly LearnerRegistration Learner = new()
    {
        Name = "matching",
        Summary = "Matching Networks: a query's label is the cosine-attention-weighted sum of the support labels, optionally with full-context embeddings (no inner loop; any ways)",
        Reference = "Vinyals, Blundell, Lillicrap, Kavukcuoglu and Wierstra 2016",
        Capabilities = new Dictionary<TaskKind, Capability> { [TaskKind.Classification] = Capability.Predict | Capability.Classify },
        Keys =
        [
            ConfigKey.Boolean("fce", false, "full-context embeddings: a bidirectional LSTM over the support set and an attention LSTM for each query"),
            ConfigKey.Integer("processing_steps", 5, "steps K of the query's attention LSTM (fce only)", minimum: 1),
            ConfigKey.Number("cosine_scale", 1, "multiplies the cosine similarities before the attention softmax (the paper: 1)", minimum: 0, exclusive: true),
            .. GeneralKeys.OuterAdam(),
            GeneralKeys.Hidden(64),
        ],
        Build = b => new MatchingNetworks(
            MatchingNetworks.OmniglotModel(b.Rng, hidden: b.Int("hidden"), fullContextEmbeddings: b.Bool("fce"), channels: b.Task.InputShape[0], imageSize: b.Task.InputShape[^1]),
            new MatchingNetworksOptions
            {
                FullContextEmbeddings = b.Bool("fce"), ProcessingSteps = b.Int("processing_steps"), CosineScale = b.Double("cosine_scale"), Outer = b.OuterAdam(),
            }),
    };
}

using MetaLearn.Algorithms;
using MetaLearn.Data;
using MetaLearn.NN;

namespace MetaLearn.Cli.Registry;

/// <summary>Prototypical networks.</summary>
internal static class ProtoNetRegistration
{
    public static readonly LearnerRegistration Learner = new()
    {
        Name = "protonet",
        Summary = "Prototypical networks: classify a query by its distance to each class's mean embedding (no inner loop; any ways)",
        Reference = "Snell, Swersky and Zemel 2017",
        Capabilities = new Dictionary<TaskKind, Capability> { [TaskKind.Classification] = Capability.Predict | Capability.Classify },
        Keys =
        [
            ConfigKey.Choice("distance", "squared_euclidean", "how a query embedding is compared with a prototype", "squared_euclidean", "cosine"),
            ConfigKey.Number("cosine_scale", 10, "scale of cosine logits (distance = cosine)", minimum: 0, exclusive: true),
            .. GeneralKeys.OuterAdam(),
            GeneralKeys.Hidden(64),
        ],
        Build = b => new ProtoNet(b.Backbone(ConvDownsampling.MaxPool), new ProtoNetOptions
        {
            Distance = b.Text("distance") == "cosine" ? PrototypeDistance.Cosine : PrototypeDistance.SquaredEuclidean,
            CosineScale = b.Double("cosine_scale"),
            Outer = b.OuterAdam(),
        }),
    };
}

using MetaLearn.Algorithms;
using MetaLearn.Data;

namespace MetaLearn.Cli.Registry;

/// <summary>Relation Networks.</summary>
internal static class RelationNetworksRegistration
{
    public static readonly LearnerRegistration Learner = new()
    {
        Name = "relation",
        Summary = "Relation Networks: a learned module scores each (class, query) pair of feature maps; MSE on one-hot targets (no inner loop; any ways)",
        Reference = "Sung, Yang, Zhang, Xiang, Torr and Hospedales 2018",
        Capabilities = new Dictionary<TaskKind, Capability> { [TaskKind.Classification] = Capability.Predict | Capability.Classify },
        Keys =
        [
            ConfigKey.Number("outer_lr", 0.001, "Adam learning rate of both networks", minimum: 0, exclusive: true),
            ConfigKey.Integer("lr_halve_every", 100_000, "halve the learning rate every this many steps (0: never)", minimum: 0),
            ConfigKey.Number("clip_norm", 0.5, "clip each network's gradient to this global norm before Adam (0: no clipping)", minimum: 0),
            GeneralKeys.Hidden(64),
            ConfigKey.Integer("relation_hidden", 8, "units of the relation module's hidden layer", minimum: 1),
        ],
        Build = b => new RelationNetworks(
            RelationNetworks.OmniglotModel(b.Rng, channels: b.Task.InputShape[0], hidden: b.Int("hidden"), relationHidden: b.Int("relation_hidden"), imageSize: b.Task.InputShape[^1]),
            new RelationNetworksOptions { LearningRate = b.Double("outer_lr"), HalvingInterval = b.Int("lr_halve_every"), ClipNorm = b.Double("clip_norm") }),
    };
}

using MetaLearn.Algorithms;
using MetaLearn.Data;

namespace MetaLearn.Cli.Registry;

/// <summary>ANIL.</summary>
internal static class AnilRegistration
{
    public static readonly LearnerRegistration Learner = new()
    {
        Name = "anil",
        Summary = "Almost No Inner Loop: MAML adapting only the head; the features are meta-learned but never adapted",
        Reference = "Raghu, Raghu, Bengio and Vinyals 2020",
        Capabilities = new Dictionary<TaskKind, Capability>
        {
            [TaskKind.Classification] = Capability.Predict | Capability.Classify,
            [TaskKind.Regression] = Capability.Predict,
        },
        Keys = MamlRegistration.Learner.Keys,
        Build = b => new Anil(b.Backbone(), MamlRegistration.Options(b)),
        FixedWays = true,
    };
}

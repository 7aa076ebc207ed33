using MetaLearn.Algorithms;
using MetaLearn.Data;

namespace MetaLearn.Cli.Registry;

/// <summary>MAML and first-order MAML.</summary>
internal static class MamlRegistration
{
    public static readonly LearnerRegistration Learner = new()
    {
        Name = "maml",
        Summary = "Model-Agnostic Meta-Learning: an initialisation that a few SGD steps adapt (second order, or first order with first_order)",
        Reference = "Finn, Abbeel and Levine 2017",
        Capabilities = new Dictionary<TaskKind, Capability>
        {
            [TaskKind.Classification] = Capability.Predict | Capability.Classify,
            [TaskKind.Regression] = Capability.Predict,
        },
        Keys =
        [
            ConfigKey.Number("inner_lr", 0.01, "inner-loop SGD learning rate alpha", minimum: 0, exclusive: true),
            ConfigKey.Integer("inner_steps", 1, "inner steps while meta-training", minimum: 1),
            ConfigKey.Integer("test_inner_steps", 10, "inner steps when adapting to a new task", minimum: 1),
            ConfigKey.Boolean("first_order", false, "first-order MAML (FOMAML): the inner gradients are constants of the meta-gradient"),
            .. GeneralKeys.OuterAdam(),
            GeneralKeys.Hidden(64),
            GeneralKeys.HiddenLayers(),
        ],
        Build = b => new Maml(b.Backbone(), Options(b)),
        FixedWays = true,
    };

    /// <summary>The options MAML and ANIL read from their keys.</summary>
    public static MamlOptions Options(LearnerBuild b) => new()
    {
        InnerLearningRate = b.Double("inner_lr"),
        TrainInnerSteps = b.Int("inner_steps"),
        TestInnerSteps = b.Int("test_inner_steps"),
        FirstOrder = b.Bool("first_order"),
        Outer = b.OuterAdam(),
    };
}

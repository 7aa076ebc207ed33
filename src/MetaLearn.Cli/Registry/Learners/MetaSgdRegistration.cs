using MetaLearn.Algorithms;
using MetaLearn.Data;

namespace MetaLearn.Cli.Registry;

/// <summary>Meta-SGD.</summary>
internal static class MetaSgdRegistration
{
    public static readonly LearnerRegistration Learner = new()
    {
        Name = "metasgd",
        Summary = "Meta-SGD: MAML with a learned inner learning rate for every weight",
        Reference = "Li, Zhou, Chen and Li 2017",
        Capabilities = new Dictionary<TaskKind, Capability>
        {
            [TaskKind.Classification] = Capability.Predict | Capability.Classify,
            [TaskKind.Regression] = Capability.Predict,
        },
        Keys =
        [
            ConfigKey.Number("inner_lr", 0.01, "the value every learned inner learning rate starts at", minimum: 0, exclusive: true),
            ConfigKey.Integer("inner_steps", 1, "inner steps while meta-training", minimum: 1),
            ConfigKey.Integer("test_inner_steps", 1, "inner steps when adapting to a new task", minimum: 1),
            ConfigKey.Boolean("first_order", false, "treat the inner gradients as constants (the rates still learn through alpha * g)"),
            .. GeneralKeys.OuterAdam(),
            GeneralKeys.Hidden(64),
            GeneralKeys.HiddenLayers(),
        ],
        Build = b => new MetaSgd(b.Backbone(), new MetaSgdOptions
        {
            InitialInnerLearningRate = b.Double("inner_lr"),
            TrainInnerSteps = b.Int("inner_steps"),
            TestInnerSteps = b.Int("test_inner_steps"),
            FirstOrder = b.Bool("first_order"),
            Outer = b.OuterAdam(),
        }),
        FixedWays = true,
    };
}

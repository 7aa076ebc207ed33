using MetaLearn.Algorithms;
using MetaLearn.Data;

namespace MetaLearn.Cli.Registry;

/// <summary>Reptile.</summary>
internal static class ReptileRegistration
{
    public static readonly LearnerRegistration Learner = new()
    {
        Name = "reptile",
        Summary = "Reptile: train on each task, then move the initialisation toward the trained weights (no second derivatives)",
        Reference = "Nichol, Achiam and Schulman 2018",
        Capabilities = new Dictionary<TaskKind, Capability>
        {
            [TaskKind.Classification] = Capability.Predict | Capability.Classify,
            [TaskKind.Regression] = Capability.Predict,
        },
        Keys =
        [
            ConfigKey.Choice("inner_optimizer", "sgd", "the inner optimizer (adam: beta1 = 0, a fresh state per task)", "sgd", "adam"),
            ConfigKey.Number("inner_lr", 0.02, "inner learning rate", minimum: 0, exclusive: true),
            ConfigKey.Integer("inner_steps", 5, "inner steps while meta-training", minimum: 1),
            ConfigKey.Integer("test_inner_steps", 10, "inner steps when adapting to a new task", minimum: 1),
            ConfigKey.Integer("inner_batch", 0, "support rows per inner step (0: the whole support set)", minimum: 0),
            ConfigKey.Number("meta_step", 1, "meta step size epsilon at the start", minimum: 0, exclusive: true),
            ConfigKey.Number("meta_step_final", 0, "meta step size at the last step (linear annealing over the run's steps)", minimum: 0),
            GeneralKeys.Hidden(64),
            GeneralKeys.HiddenLayers(),
        ],
        Build = b => new Reptile(b.Backbone(), new ReptileOptions
        {
            InnerOptimizer = b.Text("inner_optimizer") == "adam" ? ReptileInnerOptimizer.Adam : ReptileInnerOptimizer.Sgd,
            InnerLearningRate = b.Double("inner_lr"),
            TrainInnerSteps = b.Int("inner_steps"),
            TestInnerSteps = b.Int("test_inner_steps"),
            InnerBatchSize = b.Int("inner_batch"),
            MetaStepSize = b.Double("meta_step"),
            FinalMetaStepSize = b.Double("meta_step_final"),
            AnnealSteps = b.Config.Int("steps"),
        }),
        FixedWays = true,
    };
}

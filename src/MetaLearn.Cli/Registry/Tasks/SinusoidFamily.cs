using MetaLearn.Data;

namespace MetaLearn.Cli.Registry;

/// <summary>The sinusoid regression tasks of Finn et al. (2017).</summary>
internal static class SinusoidFamily
{
    public static readonly TaskFamilyRegistration Family = new()
    {
        Name = "sinusoid",
        Summary = "regression on y = A sin(x - phi), A in [0.1, 5], phi in [0, pi], x in [-5, 5] (Finn et al. 2017); no download",
        Kind = TaskKind.Regression,
        EpisodeKeys = ["shots", "queries", "train_shots", "train_queries"],
        Shape = _ => new TaskShape(TaskKind.Regression, [1], 0, 0, 1),
        Open = (c, test) => new TaskSources(
            new SinusoidTasks(c.Int("train_shots"), c.Int("train_queries")),
            new SinusoidTasks(c.Int("shots"), c.Int("queries")),
            new SinusoidTasks(test?.Shots ?? c.Int("shots"), c.Int("queries")),
            null),
    };
}

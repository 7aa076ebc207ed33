using MetaLearn.Data;

namespace MetaLearn.Cli.Registry;

/// <summary>The multimodal sinusoid-or-line family of Finn, Xu and Levine (2018).</summary>
internal static class SinusoidOrLineFamily
{
    public static readonly TaskFamilyRegistration Family = new()
    {
        Name = "sinusoid-or-line",
        Summary = "regression on a MAML sinusoid or a line (slope and intercept in [-3, 3]), x in [-5, 5] (Finn, Xu and Levine 2018); no download",
        Kind = TaskKind.Regression,
        Keys =
        [
            ConfigKey.Number("sinusoid_probability", 0.5, "probability that a task is a sinusoid rather than a line", minimum: 0, maximum: 1),
        ],
        EpisodeKeys = ["shots", "queries", "train_shots", "train_queries"],
        Shape = _ => new TaskShape(TaskKind.Regression, [1], 0, 0, 1),
        Open = (c, test) =>
        {
            double p = c.Double("sinusoid-or-line.sinusoid_probability");
            return new TaskSources(
                new SinusoidOrLineTasks(c.Int("train_shots"), c.Int("train_queries"), p),
                new SinusoidOrLineTasks(c.Int("shots"), c.Int("queries"), p),
                new SinusoidOrLineTasks(test?.Shots ?? c.Int("shots"), c.Int("queries"), p),
                null);
        },
    };
}

using MetaLearn.Data;

namespace MetaLearn.Cli.Registry;

/// <summary>Linear regression tasks y = x W + b with W, b and x standard normal, of any input and output size.</summary>
internal static class LinearFamily
{
    public static readonly TaskFamilyRegistration Family = new()
    {
        Name = "linear",
        Summary = "regression on y = x W + b (+ noise), W ~ N(0, I) inputs x outputs, b ~ N(0, I), x ~ N(0, I); any sizes; no download",
        Kind = TaskKind.Regression,
        Keys =
        [
            ConfigKey.Integer("input_size", 1, "length of x", minimum: 1, maximum: 4096),
            ConfigKey.Integer("output_size", 1, "length of y", minimum: 1, maximum: 4096),
            ConfigKey.Number("noise", 0, "standard deviation of Gaussian noise added to every target (0: none)", minimum: 0),
        ],
        EpisodeKeys = ["shots", "queries", "train_shots", "train_queries"],
        Shape = c => new TaskShape(TaskKind.Regression, [c.Int("linear.input_size")], 0, 0, c.Int("linear.output_size")),
        Open = (c, test) =>
        {
            GaussianLinearTasks Tasks(int shots) => new(shots, c.Int("queries"), c.Int("linear.input_size"), c.Int("linear.output_size")) { NoiseStd = c.Double("linear.noise") };
            return new TaskSources(
                new GaussianLinearTasks(c.Int("train_shots"), c.Int("train_queries"), c.Int("linear.input_size"), c.Int("linear.output_size")) { NoiseStd = c.Double("linear.noise") },
                Tasks(c.Int("shots")),
                Tasks(test?.Shots ?? c.Int("shots")),
                null);
        },
    };
}

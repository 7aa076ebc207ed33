using MetaLearn.Data;

namespace MetaLearn.Cli.Registry;

/// <summary>N-way K-shot Omniglot classification from the official zips.</summary>
internal static class OmniglotFamily
{
    public static readonly TaskFamilyRegistration Family = new()
    {
        Name = "omniglot",
        Summary = "N-way K-shot classification of Omniglot characters (28x28, ink = 1), from images_background and images_evaluation",
        Kind = TaskKind.Classification,
        Keys =
        [
            ConfigKey.Text("data", "", "folder holding images_background and images_evaluation (zips or folders); empty: search the data directories"),
            ConfigKey.Choice("split", "vinyals", "vinyals (1,200 characters x 4 rotations to train) or lake (background alphabets train, evaluation alphabets test)", "vinyals", "lake"),
        ],
        EpisodeKeys = ["ways", "shots", "queries", "train_ways", "train_shots", "train_queries"],
        Shape = c => new TaskShape(TaskKind.Classification, [1, 28, 28], c.Int("ways"), c.Int("train_ways"), 0),
        Open = Open,
    };

    private static TaskSources Open(RunConfig c, TestOverride? test)
    {
        string root = DataLocation.FindOmniglot(c["omniglot.data"]);
        OmniglotDataset data = OmniglotDataset.Open(root, 28, OmniglotSet.Background, OmniglotSet.Evaluation);
        try
        {
            bool vinyals = c["omniglot.split"] == "vinyals";
            OmniglotSplit split = vinyals ? OmniglotSplit.Vinyals(data, seed: 1) : OmniglotSplit.Lake(data, seed: 1);
            var train = new EpisodeShape(c.Int("train_ways"), c.Int("train_shots"), c.Int("train_queries"));
            var evaluation = new EpisodeShape(c.Int("ways"), c.Int("shots"), c.Int("queries"));
            EpisodeShape testShape = evaluation with { Ways = test?.Ways ?? evaluation.Ways, Shots = test?.Shots ?? evaluation.Shots };
            TaskSets sets = OmniglotTasksets.Create(data, split, train, evaluation, rotate: vinyals, testShape);
            return new TaskSources(sets.Train, sets.Validation ?? sets.Test, sets.Test, data);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }
}

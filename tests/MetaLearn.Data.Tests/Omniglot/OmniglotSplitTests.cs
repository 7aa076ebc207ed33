using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Data.Tests.Omniglot;

public class OmniglotSplitTests
{
    private static OmniglotDataset OpenFull() => OmniglotDataset.Open(OmniglotFiles.Root, 28, OmniglotSet.Background, OmniglotSet.Evaluation);

    [Fact]
    public void VinyalsSplitIsSeededDisjointAndComplete()
    {
        using OmniglotDataset data = OpenFull();
        OmniglotSplit split = OmniglotSplit.Vinyals(data);
        Assert.Equal((1100, 100, 423), (split.Train.Count, split.Validation.Count, split.Test.Count));
        var all = split.Train.Concat(split.Validation).Concat(split.Test).ToList();
        Assert.Equal(1623, all.Distinct().Count());
        Assert.Equal(split.ToText(), OmniglotSplit.Vinyals(data).ToText());
        Assert.NotEqual(split.Train, OmniglotSplit.Vinyals(data, seed: 2).Train);

        // The artifact is pinned: a change to Rng, sorting or the protocol would silently change every benchmark.
        Assert.Equal(PinnedVinyalsHead, string.Join(" ", split.Train.Take(3)));
        Assert.Equal(PinnedVinyalsTestHead, string.Join(" ", split.Test.Take(3)));

        OmniglotSplit parsed = OmniglotSplit.Parse(split.ToText());
        Assert.Equal(split.Train, parsed.Train);
        Assert.Equal(split.Validation, parsed.Validation);
        Assert.Equal(split.Test, parsed.Test);
        Assert.Equal(("vinyals", 1UL), (parsed.Name, parsed.Seed));
    }

    private const string PinnedVinyalsHead = "Tifinagh/character05 Atemayar_Qelisayer/character20 Korean/character02";
    private const string PinnedVinyalsTestHead = "Gurmukhi/character44 Tengwar/character21 Syriac_(Estrangelo)/character22";

    [Fact]
    public void LakeSplitSeparatesAlphabets()
    {
        using OmniglotDataset data = OpenFull();
        OmniglotSplit split = OmniglotSplit.Lake(data);
        Assert.Equal(659, split.Test.Count);
        Assert.Equal(964, split.Train.Count + split.Validation.Count);
        static HashSet<string> Alphabets(IEnumerable<string> keys) => [.. keys.Select(k => k.Split('/')[0])];
        Assert.Equal(25, Alphabets(split.Train).Count);
        Assert.Equal(5, Alphabets(split.Validation).Count);
        Assert.Equal(20, Alphabets(split.Test).Count);
        Assert.Empty(Alphabets(split.Train).Intersect(Alphabets(split.Validation)));
        Assert.Empty(Alphabets(split.Train).Intersect(Alphabets(split.Test)));
        Assert.Empty(OmniglotSplit.Lake(data, validationAlphabets: 0).Validation);
    }

    [Fact]
    public void SplitsNeedTheRightSets()
    {
        using OmniglotDataset small = OmniglotDataset.Open(OmniglotFiles.Zip("images_background_small1"));
        Assert.Contains("needs both", Assert.Throws<ArgumentException>(() => OmniglotSplit.Lake(small)).Message);
        Assert.Contains("images_evaluation", Assert.Throws<ArgumentException>(() => OmniglotSplit.Vinyals(small)).Message);
        OmniglotSplit tiny = OmniglotSplit.Vinyals(small, train: 100, validation: 10);
        Assert.Equal(26, tiny.Test.Count);

        using OmniglotDataset other = OmniglotDataset.Open(OmniglotFiles.Zip("images_evaluation"));
        var e = Assert.Throws<ArgumentException>(() => tiny.Apply(other));
        Assert.Contains("does not have", e.Message);
    }

    [Theory]
    [InlineData(OmniglotProtocol.Vinyals, 5, 1)]
    [InlineData(OmniglotProtocol.Vinyals, 20, 5)]
    [InlineData(OmniglotProtocol.Lake, 5, 5)]
    [InlineData(OmniglotProtocol.Lake, 20, 1)]
    public void PresetsNeverShowATestClassInTraining(OmniglotProtocol protocol, int ways, int shots)
    {
        using TaskSets sets = OmniglotTasksets.Create(OmniglotFiles.Root, protocol, ways, shots);
        int rotations = protocol == OmniglotProtocol.Vinyals ? 4 : 1;
        Assert.Equal(sets.Split.Train.Count * rotations, sets.Train.Dataset.ClassCount);
        Assert.Equal(sets.Split.Test.Count * rotations, sets.Test.Dataset.ClassCount);
        Assert.NotNull(sets.Validation);

        var test = sets.Split.Test.Concat(sets.Split.Validation).ToHashSet();
        var rng = new Rng(42);
        for (int t = 0; t < 300; t++)
        {
            TaskDraft draft = sets.Train.SampleDraft(rng);
            foreach (int c in draft.Classes)
            {
                string key = sets.Train.Dataset.ClassName(c).Split(' ')[0];
                Assert.DoesNotContain(key, test);
            }
        }

        // Decoding only what a task needs: one real episode from each part.
        FewShotTask task = sets.Test.Sample(new Rng(1));
        Assert.Equal(new[] { ways * shots, 1, 28, 28 }, task.SupportInputs.Shape.ToArray());
        Assert.All(task.ClassNames, n => Assert.Contains(n.Split(' ')[0], sets.Split.Test));
        Assert.Equal(ways * shots, sets.Train.Sample(new Rng(2)).QueryInputs.Size(0));
    }
}

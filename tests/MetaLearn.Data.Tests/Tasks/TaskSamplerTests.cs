using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Data.Tests.Tasks;

public class TaskSamplerTests
{
    private static TaskSampler Standard(ILabeledDataset data, int ways, int shots, int queries) =>
        new(data, new NWays(ways), new KShots(shots, queries), new RemapLabels());

    [Theory]
    [InlineData(5, 1, 15)]
    [InlineData(20, 5, 5)]
    [InlineData(3, 2, 0)]
    public void EpisodesHaveExactCountsDisjointSetsAndLabelsZeroToN(int ways, int shots, int queries)
    {
        InMemoryDataset data = SyntheticData.Make(30, 20);
        TaskSampler sampler = Standard(data, ways, shots, queries);
        var rng = new Rng(7);
        for (int t = 0; t < 50; t++)
        {
            FewShotTask task = sampler.Sample(rng);
            Assert.True(task.IsClassification);
            Assert.Equal((ways, shots, queries), (task.Ways, task.Shots, task.Queries));
            Assert.Equal(new[] { ways * shots, 1, 3, 3 }, task.SupportInputs.Shape.ToArray());
            Assert.Equal(ways * queries, task.QueryInputs.Size(0));
            Assert.Equal(ways, task.ClassIds.Distinct().Count());

            float[] s = task.SupportInputs.ToFloatArray(), q = task.QueryInputs.ToFloatArray();
            var seen = new HashSet<(int, int)>();
            for (int r = 0; r < ways * shots; r++)
            {
                var (c, i) = SyntheticData.Identify(s, r, 9);
                int label = task.SupportLabels![r];
                Assert.Equal(r / shots, label);
                Assert.Equal(task.ClassIds[label], c);
                Assert.True(seen.Add((c, i)), "a support sample repeats");
            }
            for (int r = 0; r < ways * queries; r++)
            {
                var (c, i) = SyntheticData.Identify(q, r, 9);
                int label = task.QueryLabels![r];
                Assert.Equal(r / queries, label);
                Assert.Equal(task.ClassIds[label], c);
                Assert.True(seen.Add((c, i)), "a query sample is also in the support set or repeats");
            }
            Assert.Equal(Enumerable.Range(0, ways), task.SupportLabels!.Distinct().Order());
        }
    }

    [Fact]
    public void SameSeedSameEpisodesDifferentSeedDifferent()
    {
        TaskSampler sampler = Standard(SyntheticData.Make(30, 20), 5, 1, 5);
        float[][] Run(ulong seed) => [.. sampler.SampleBatch(new Rng(seed), 10).Select(t => t.SupportInputs.ToFloatArray().Concat(t.QueryInputs.ToFloatArray()).ToArray())];
        float[][] a = Run(1), b = Run(1), c = Run(2);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i]);
        }
        Assert.Contains(Enumerable.Range(0, a.Length), i => !a[i].SequenceEqual(c[i]));
    }

    [Fact]
    public void WithoutRemapLabelsAreDatasetClassIds()
    {
        var sampler = new TaskSampler(SyntheticData.Make(10, 5), new NWays(3), new KShots(2, 1));
        FewShotTask task = sampler.Sample(new Rng(3));
        Assert.Equal(task.ClassIds[0], task.SupportLabels![0]);
        Assert.Equal(task.ClassIds[2], task.QueryLabels![2]);
    }

    [Fact]
    public void ClassRotationTurnsAllSamplesOfAClassAlike()
    {
        InMemoryDataset data = SyntheticData.Make(8, 6);
        var sampler = new TaskSampler(data, new NWays(8), new KShots(3, 2), new RemapLabels(), new ClassRotation());
        var rng = new Rng(11);
        var turnsSeen = new HashSet<int>();
        for (int t = 0; t < 20; t++)
        {
            TaskDraft draft = sampler.SampleDraft(rng);
            FewShotTask task = sampler.Load(draft);
            float[] s = task.SupportInputs.ToFloatArray();
            for (int k = 0; k < 8; k++)
            {
                turnsSeen.Add(draft.QuarterTurns[k]);
                // Pixel 0 of the upright image lands at the corner a counter-clockwise turn moves it to.
                int corner = draft.QuarterTurns[k] switch { 0 => 0, 1 => 6, 2 => 8, _ => 2 };
                for (int j = 0; j < 3; j++)
                {
                    int row = (k * 3) + j;
                    Assert.Equal(draft.Classes[k], (int)s[(row * 9) + corner] / 1000);
                }
                Assert.EndsWith(draft.QuarterTurns[k] == 0 ? $"{draft.Classes[k]:D3}" : $"rot{draft.QuarterTurns[k] * 90}", task.ClassNames[k]);
            }
        }
        Assert.Equal(4, turnsSeen.Count);
    }

    [Fact]
    public void RotatedClassesMultipliesTheClassCount()
    {
        var rotated = new RotatedClasses(SyntheticData.Make(5, 4));
        Assert.Equal(20, rotated.ClassCount);
        Assert.Equal("class002 rot270", rotated.ClassName(11));
        float[] x = rotated.ReadSample(9, 3);
        Assert.Equal(2003, x[6]); // class 9 = class 2 turned 90 degrees: the top-left pixel moves to the bottom-left
        var e = Assert.Throws<ArgumentException>(() => new RotatedClasses(new InMemoryDataset("flat", [4], ["a"], [[new float[4]]])));
        Assert.Contains("square", e.Message);
    }

    [Fact]
    public void TooManyWaysIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => Standard(SyntheticData.Make(4, 20, name: "tiny"), 5, 1, 1));
        Assert.Contains("NWays(5)", e.Message);
        Assert.Contains("only 4 classes", e.Message);
        Assert.Contains("tiny", e.Message);
    }

    [Fact]
    public void TooFewSamplesNamesTheClassAndNumbers()
    {
        var data = new InMemoryDataset("d", [1], ["big", "small"], [[[1f], [2f], [3f]], [[4f]]]);
        var e = Assert.Throws<ArgumentException>(() => Standard(data, 2, 1, 1));
        Assert.Contains("class 'small'", e.Message);
        Assert.Contains("has 1 samples", e.Message);
        Assert.Contains("2 that 1 shots + 1 queries", e.Message);
    }

    [Fact]
    public void TransformOrderIsChecked()
    {
        InMemoryDataset data = SyntheticData.Make(5, 5);
        Assert.Contains("NWays and a KShots", Assert.Throws<ArgumentException>(() => new TaskSampler(data, new NWays(2))).Message);
        Assert.Contains("Put NWays first", Assert.Throws<ArgumentException>(() => new TaskSampler(data, new KShots(1, 1), new NWays(2))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NWays(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KShots(0, 1));
    }

    [Fact]
    public void CachedDatasetReadsEachSampleOnce()
    {
        var counting = new CountingDataset(SyntheticData.Make(6, 5));
        var cached = new CachedDataset(counting);
        TaskSampler sampler = Standard(cached, 3, 2, 2);
        sampler.SampleBatch(new Rng(1), 200);
        Assert.True(counting.Reads <= 30, $"{counting.Reads} reads for 30 samples");
        cached.Preload();
        Assert.Equal(30, counting.Reads);
    }

    [Fact]
    public void ClassSubsetMapsClasses()
    {
        var subset = new ClassSubset(SyntheticData.Make(6, 2), [4, 1]);
        Assert.Equal(2, subset.ClassCount);
        Assert.Equal("class001", subset.ClassName(1));
        Assert.Equal(4001, subset.ReadSample(0, 1)[0]);
        Assert.Contains("listed twice", Assert.Throws<ArgumentException>(() => new ClassSubset(SyntheticData.Make(3, 1), [1, 1])).Message);
    }

    private sealed class CountingDataset(ILabeledDataset inner) : ILabeledDataset
    {
        private int _reads;

        public int Reads => _reads;

        public string Name => inner.Name;

        public int ClassCount => inner.ClassCount;

        public IReadOnlyList<int> SampleShape => inner.SampleShape;

        public string ClassName(int classIndex) => inner.ClassName(classIndex);

        public int SampleCount(int classIndex) => inner.SampleCount(classIndex);

        public void ReadSample(int classIndex, int sampleIndex, Span<float> destination)
        {
            Interlocked.Increment(ref _reads);
            inner.ReadSample(classIndex, sampleIndex, destination);
        }
    }
}

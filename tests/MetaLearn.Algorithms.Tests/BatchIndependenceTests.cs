namespace MetaLearn.Algorithms.Tests;

/// <summary>
/// A prediction depends on its input and the support set only (issue 15): batch-normalised adapted models normalise
/// queries with the support set's statistics, so an image scored alone, in a small batch or in a large one gets the
/// same scores. The transductive protocol (the query set normalised as one batch) is still available and does leak.
/// </summary>
public class BatchIndependenceTests
{
    private static (FewShotTask Task, InMemoryDataset Data) ImageTask()
    {
        var rng = new Rng(5);
        var samples = Enumerable.Range(0, 3).Select(c => (IReadOnlyList<float[]>)Enumerable.Range(0, 8)
            .Select(_ => Enumerable.Range(0, 256).Select(k => (float)(((k * (c + 2)) % 11) / 11.0 + 0.3 * rng.NextNormal())).ToArray()).ToList()).ToList();
        var data = new InMemoryDataset("img", [1, 16, 16], ["a", "b", "c"], samples);
        return (TestData.Sampler(data, 3, 1, 4).Sample(new Rng(6)), data);
    }

    public static TheoryData<string> Learners() => ["maml", "anil", "reptile", "protonet"];

    private static IMetaLearner Make(string name) => name switch
    {
        "maml" => new Maml(Backbones.OmniglotConvNet(3, new Rng(2), hidden: 8, imageSize: 16), new MamlOptions { InnerLearningRate = 0.4, TestInnerSteps = 2 }),
        "anil" => new Anil(Backbones.OmniglotConvNet(3, new Rng(2), hidden: 8, imageSize: 16), new MamlOptions { InnerLearningRate = 0.4, TestInnerSteps = 2 }),
        "reptile" => new Reptile(Backbones.OmniglotConvNet(3, new Rng(2), hidden: 8, imageSize: 16), new ReptileOptions { TestInnerSteps = 2 }),
        _ => new ProtoNet(Backbones.OmniglotConvNet(3, new Rng(2), hidden: 8, imageSize: 16, downsampling: ConvDownsampling.MaxPool), new ProtoNetOptions()),
    };

    [Theory]
    [MemberData(nameof(Learners))]
    public void AQueryScoresTheSameAloneAndInAnyBatch(string name)
    {
        (FewShotTask task, _) = ImageTask();
        IMetaLearner learner = Make(name);
        var model = (ITransductivePredictor)learner.Adapt(learner.Init(), task.Support, new Rng(1));
        Tensor all = model.Predict(task.QueryInputs);
        int n = task.QueryInputs.Shape[0], ways = all.Shape[1];
        double worstTransductive = 0;
        for (int i = 0; i < n; i++)
        {
            Tensor alone = model.Predict(task.QueryInputs.Slice(0, i, 1));
            Tensor pair = model.Predict(task.QueryInputs.IndexSelect(0, [i, (i + 5) % n]));
            for (int c = 0; c < ways; c++)
            {
                Assert.Equal(all.At(i, c), alone.At(0, c), 5);
                Assert.Equal(all.At(i, c), pair.At(0, c), 5);
            }
            if (i + 1 < n)
            {
                // Normalising two queries as a batch by their own statistics makes their scores depend on each other.
                Tensor together = model.PredictTransductive(task.QueryInputs.Slice(0, i, 2));
                worstTransductive = Math.Max(worstTransductive, Math.Abs(together.At(0, 0) - model.PredictTransductive(task.QueryInputs).At(i, 0)));
            }
        }
        Assert.True(worstTransductive > 1e-3, $"{name}: transductive predictions should depend on the batch (largest change {worstTransductive})");
    }

    [Fact]
    public void EvaluationUsesTheSupportStatisticsByDefaultAndTheTransductiveProtocolOnRequest()
    {
        (_, InMemoryDataset data) = ImageTask();
        TaskSampler tasks = TestData.Sampler(data, 3, 1, 4);
        IMetaLearner learner = Make("maml");
        EvaluatorOptions Options(BatchNormAtTest bn) => new() { Episodes = 6, BatchNorm = bn, MaxDegreeOfParallelism = 1 };
        EvaluationResult support = Evaluator.Evaluate(learner, learner.Init(), tasks, Options(BatchNormAtTest.SupportStatistics));
        EvaluationResult transductive = Evaluator.Evaluate(learner, learner.Init(), tasks, Options(BatchNormAtTest.Transductive));
        Assert.Equal(BatchNormAtTest.SupportStatistics, new EvaluatorOptions { BatchNorm = default }.BatchNorm);
        Assert.NotEqual(support["loss"].PerEpisode, transductive["loss"].PerEpisode);
        Assert.Contains("batch norm: transductive", transductive.ToString());
    }
}

namespace MetaLearn.Algorithms.Tests;

/// <summary>
/// Relation Networks (Sung et al. 2018): the paper's Omniglot shapes and sizes, pairs laid out as (query, class) with the
/// class's summed shots first along the channels, a meta-gradient equal to finite differences, a seeded "it learns"
/// run, and answers that do not depend on the other queries.
/// </summary>
public class RelationNetworksTests
{
    private static TaskSampler Images(int classes, int perClass, int side, Rng rng)
    {
        var samples = Enumerable.Range(0, classes).Select(c =>
        {
            double[] pattern = [.. Enumerable.Range(0, side * side).Select(_ => rng.NextDouble() < 0.3 ? 1.0 : 0.0)];
            return (IReadOnlyList<float[]>)Enumerable.Range(0, perClass)
                .Select(_ => pattern.Select(v => (float)(v + 0.4 * rng.NextNormal())).ToArray()).ToList();
        }).ToList();
        var data = new InMemoryDataset("img", [1, side, side], [.. Enumerable.Range(0, classes).Select(c => $"c{c}")], samples);
        return TestData.Sampler(data, 5, 1, 3);
    }

    [Fact]
    public void TheOmniglotModelHasThePapersShapesAndSize()
    {
        Composite model = RelationNetworks.OmniglotModel(new Rng(1));
        var learner = new RelationNetworks(model, new RelationNetworksOptions());
        Tensor x = Tensor.Uniform(new Rng(2), [3, 1, 28, 28]);
        Tensor features = model.Run("features", x, model.Parameters, ForwardContext.Train);
        Assert.Equal([3, 64, 5, 5], features.Shape);
        Assert.Equal([3, 2], learner.Relations(features.Slice(0, 0, 2), features, model.Parameters, ForwardContext.Train).Shape);
        // The authors' PyTorch networks (CNNEncoder, RelationNetwork(64, 8)) have 111,936 and 111,505 parameters.
        long Count(string prefix) => model.Parameters.Filter((n, _) => n.StartsWith(prefix)).ElementCount;
        Assert.Equal(111_936, Count("features."));
        Assert.Equal(111_505, Count("relation."));
        // The paper's initialisation: linear biases 1, convolution biases 0, batch-norm scale 1.
        Assert.All(model.Parameters["relation.3.bias"].ToDoubleArray(), v => Assert.Equal(1, v));
        Assert.All(model.Parameters["features.0.0.bias"].ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.All(model.Parameters["features.2.1.weight"].ToDoubleArray(), v => Assert.Equal(1, v));
        Assert.Equal(0.01, Std(model.Parameters["relation.3.weight"]), 2);
        Assert.Equal(Math.Sqrt(2.0 / (9 * 64)), Std(model.Parameters["features.1.0.weight"]), 3);
    }

    [Fact]
    public void PairsAreClassThenQueryAndClassFeaturesSumTheirShots()
    {
        Composite model = RelationNetworks.OmniglotModel(new Rng(1), hidden: 4, dtype: DType.Float64);
        var learner = new RelationNetworks(model, new RelationNetworksOptions());
        var rng = new Rng(3);
        Tensor support = Tensor.Normal(rng, [4, 4, 5, 5], dtype: DType.Float64), queries = Tensor.Normal(rng, [2, 4, 5, 5], dtype: DType.Float64);
        Tensor classes = RelationNetworks.ClassFeatures(support, [1, 0, 1, 0], 2);
        Assert.Equal((support.Slice(0, 1, 1) + support.Slice(0, 3, 1)).ToDoubleArray(), classes.Slice(0, 0, 1).ToDoubleArray());
        using (Autograd.NoGrad())
        {
            // Record the batch's normalisation, then score each pair alone with it: the same function pair by pair.
            var statistics = new SupportStatistics();
            Tensor scores = learner.Relations(classes, queries, model.Parameters, ForwardContext.Train with { Statistics = statistics });
            ForwardContext frozen = ForwardContext.Train with { Statistics = statistics.Freeze() };
            for (int q = 0; q < 2; q++)
            {
                for (int c = 0; c < 2; c++)
                {
                    Tensor pair = Tensor.Concat([classes.Slice(0, c, 1), queries.Slice(0, q, 1)], 1);
                    Assert.Equal(scores.At(q, c), model.Run("relation", pair, model.Parameters, frozen).Item(), 12);
                }
            }
        }
        Assert.Throws<ArgumentException>(() => RelationNetworks.ClassFeatures(support, [0, 0, 0, 0], 2));
    }

    [Fact]
    public void TheMetaGradientMatchesFiniteDifferencesOfTheQueryMse()
    {
        Composite model = RelationNetworks.OmniglotModel(new Rng(1), hidden: 3, relationHidden: 2, imageSize: 22, dtype: DType.Float64);
        var learner = new RelationNetworks(model, new RelationNetworksOptions { ClipNorm = 0 });
        var rng = new Rng(4);
        FewShotTask task = FewShotTask.Classification(
            Tensor.Normal(rng, [2, 1, 22, 22], dtype: DType.Float64), [0, 1], Tensor.Normal(rng, [4, 1, 22, 22], dtype: DType.Float64), [0, 0, 1, 1], 2, 1, 2, [0, 1]);
        MetaGradient g = TestData.Gradient(learner, task);
        ParameterSet p = learner.Init().Parameters;
        double Loss(ParameterSet q) => TestData.Gradient(new RelationNetworks(WithParameters(model, q), new RelationNetworksOptions()), task).Metrics["loss"];
        foreach (string name in new[] { "features.0.0.weight", "features.3.1.bias", "relation.1.0.weight", "relation.5.weight" })
        {
            Tensor t = p[name];
            for (int k = 0; k < Math.Min(3, t.Count); k++)
            {
                const double H = 1e-6;
                double Shifted(double h)
                {
                    double[] v = t.ToDoubleArray();
                    v[k] += h;
                    return Loss(p.With(name, Tensor.FromArray(v, t.Shape.ToArray()).SetRequiresGrad()));
                }
                double fd = (Shifted(H) - Shifted(-H)) / (2 * H);
                Assert.Equal(fd, g.Gradient[name][k], 6);
            }
        }
    }

    [Fact]
    public void ItLearnsToClassifyNewImageClassesAndAnswersDoNotDependOnOtherQueries()
    {
        var rng = new Rng(5);
        TaskSampler train = Images(20, 6, 22, rng), validation = Images(10, 6, 22, rng);
        var learner = new RelationNetworks(RelationNetworks.OmniglotModel(new Rng(2), hidden: 16, imageSize: 22), new RelationNetworksOptions { LearningRate = 0.003 });
        var evaluate = new EvaluatorOptions { Episodes = 60, Seed = 3, BatchNorm = BatchNormAtTest.SupportStatistics };
        double before = Evaluator.Evaluate(learner, learner.Init(), validation, evaluate).Mean;
        TrainingSummary s = new MetaTrainer(learner, train, validation, new MetaTrainerOptions
        {
            Steps = 60, MetaBatchSize = 4, ValidationInterval = 60, ValidationEpisodes = 60, ValidationSeed = 3,
        }).Run();
        Assert.True(s.LastValidation!.Mean > before + 0.15, $"accuracy {before} -> {s.LastValidation.Mean}");

        FewShotTask task = validation.Sample(new Rng(9));
        var model = (ITransductivePredictor)learner.Adapt(s.State, task.Support, new Rng(1));
        Assert.IsAssignableFrom<IClassifier>(model);
        Tensor all = model.Predict(task.QueryInputs);
        for (int i = 0; i < task.QueryInputs.Shape[0]; i++)
        {
            Tensor alone = model.Predict(task.QueryInputs.Slice(0, i, 1));
            for (int c = 0; c < 5; c++)
            {
                Assert.True(Math.Abs(all.At(i, c) - alone.At(0, c)) < 1e-5, $"query {i} class {c}: {all.At(i, c)} in the batch, {alone.At(0, c)} alone");
            }
        }
    }

    private static Composite WithParameters(Composite model, ParameterSet p)
    {
        model.Parameters = p.AsLeaves();
        return model;
    }

    private static double Std(Tensor t)
    {
        double[] v = t.ToDoubleArray();
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
    }
}

namespace MetaLearn.Algorithms.Tests;

/// <summary>
/// Matching Networks (Vinyals et al. 2016): the cosine-attention classifier in closed form, the full-context
/// embeddings as the paper's equations unrolled by hand, a second-order-free meta-gradient equal to finite differences
/// through both LSTMs, seeded "it learns" runs with and without full-context embeddings, and answers that do not depend
/// on the other queries.
/// </summary>
public class MatchingNetworksTests
{
    private static TaskSampler Images(int classes, int ways, Rng rng)
    {
        var samples = Enumerable.Range(0, classes).Select(c =>
        {
            double[] pattern = [.. Enumerable.Range(0, 256).Select(_ => rng.NextDouble() < 0.3 ? 1.0 : 0.0)];
            return (IReadOnlyList<float[]>)Enumerable.Range(0, 6).Select(_ => pattern.Select(v => (float)(v + 0.4 * rng.NextNormal())).ToArray()).ToList();
        }).ToList();
        return TestData.Sampler(new InMemoryDataset("img", [1, 16, 16], [.. Enumerable.Range(0, classes).Select(c => $"c{c}")], samples), ways, 1, 3);
    }

    private static MatchingNetworks Learner(bool fce, double lr = 0.001, int hidden = 8, DType dtype = DType.Float32, double scale = 1)
    {
        Composite model = MatchingNetworks.OmniglotModel(new Rng(2), hidden: hidden, fullContextEmbeddings: fce, imageSize: 16, dtype: dtype);
        return new MatchingNetworks(model, new MatchingNetworksOptions
        {
            FullContextEmbeddings = fce, ProcessingSteps = 3, CosineScale = scale, Outer = new() { LearningRate = lr },
        });
    }

    [Fact]
    public void LogitsAreTheLogOfTheCosineAttentionOnEachClass()
    {
        var learner = Learner(fce: false);
        Tensor support = Tensor.FromArray(new double[] { 1, 0, 0, 1, 1, 1 }, 3, 2), query = Tensor.FromArray(new double[] { 2, 0 }, 1, 2);
        int[] labels = [0, 1, 1];
        double[] cos = [1, 0, 1 / Math.Sqrt(2)];
        double z = cos.Sum(Math.Exp);
        double[] expected = [Math.Log(Math.Exp(cos[0]) / z), Math.Log((Math.Exp(cos[1]) + Math.Exp(cos[2])) / z)];
        double[] logits = learner.Logits(query, support, labels, 2).ToDoubleArray();
        Assert.Equal(expected[0], logits[0], 12);
        Assert.Equal(expected[1], logits[1], 12);
    }

    [Fact]
    public void FullContextEmbeddingsFollowThePapersEquations()
    {
        MatchingNetworks learner = Learner(fce: true, dtype: DType.Float64);
        ParameterSet p = learner.Init().Parameters;
        var rng = new Rng(3);
        Tensor gPrime = Tensor.Normal(rng, [4, 8], dtype: DType.Float64), fPrime = Tensor.Normal(rng, [2, 8], dtype: DType.Float64);
        var model = (Composite)learner.Model;
        using (Autograd.NoGrad())
        {
            // g(x_i, S) = g'(x_i) + forward LSTM output + backward LSTM output.
            (Tensor outputs, _, _) = ((Lstm)model["support_lstm"]).Run(gPrime.Unsqueeze(1), null, p.Scope("support_lstm"), ForwardContext.Train);
            Tensor g = gPrime + outputs.Squeeze(1).Slice(1, 0, 8) + outputs.Squeeze(1).Slice(1, 8, 8);
            Assert.Equal(g.ToDoubleArray(), learner.SupportEmbeddings(gPrime, p, ForwardContext.Train).ToDoubleArray());

            // K = 3 steps: r = sum_i softmax(h . g_i) g_i; (h', c) = LSTM([f', r], h, c); h = h' + f'; from h = c = 0.
            var cell = (LstmCell)model["query_lstm"];
            Tensor h = Tensor.Zeros([2, 8], DType.Float64), c = h;
            for (int k = 0; k < 3; k++)
            {
                Tensor r = h.MatMul(g.T).Softmax(1).MatMul(g);
                if (k == 0)
                {
                    // From h = 0 the attention is uniform: the first read-out is the mean support embedding.
                    double[] mean = g.Mean(0).ToDoubleArray(), first = r.Slice(0, 0, 1).Squeeze(0).ToDoubleArray();
                    Assert.All(Enumerable.Range(0, 8), i => Assert.Equal(mean[i], first[i], 12));
                }
                (Tensor next, c) = cell.Step(Tensor.Concat([fPrime, r], 1), h, c, p.Scope("query_lstm"), ForwardContext.Train);
                h = next + fPrime;
            }
            Assert.Equal(h.ToDoubleArray(), learner.QueryEmbeddings(fPrime, g, p, ForwardContext.Train).ToDoubleArray());
        }
    }

    [Fact]
    public void TheMetaGradientThroughBothLstmsMatchesFiniteDifferences()
    {
        MatchingNetworks learner = Learner(fce: true, hidden: 4, dtype: DType.Float64);
        var rng = new Rng(4);
        FewShotTask task = FewShotTask.Classification(
            Tensor.Normal(rng, [2, 1, 16, 16], dtype: DType.Float64), [0, 1], Tensor.Normal(rng, [4, 1, 16, 16], dtype: DType.Float64), [0, 0, 1, 1], 2, 1, 2, [0, 1]);
        LearnerState start = learner.Init();
        MetaGradient g = learner.ComputeMetaGradient(start, [task], TestData.Context());
        double Loss(ParameterSet q) => learner.ComputeMetaGradient(start with { Parameters = q }, [task], TestData.Context()).Metrics["loss"];
        foreach (string name in new[] { "features.net.blocks.0.0.weight", "support_lstm.weight_hh_l0_reverse", "query_lstm.weight_ih", "query_lstm.bias_hh" })
        {
            Tensor t = start.Parameters[name];
            for (int k = 0; k < 3; k++)
            {
                const double H = 1e-6;
                double Shifted(double h)
                {
                    double[] v = t.ToDoubleArray();
                    v[k] += h;
                    return Loss(start.Parameters.With(name, Tensor.FromArray(v, t.Shape.ToArray()).SetRequiresGrad()));
                }
                Assert.Equal((Shifted(H) - Shifted(-H)) / (2 * H), g.Gradient[name][k], 6);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ItLearnsNewImageClassesAndAnswersDoNotDependOnOtherQueries(bool fce)
    {
        var rng = new Rng(5);
        // 200 training classes so the embedding generalises; cosine scale 10 so that a few steps suffice (with the plain
        // cosine the attention is nearly uniform and learning is slow, though it gets there).
        TaskSampler train = Images(200, 5, rng), validation = Images(10, 5, rng);
        MatchingNetworks learner = Learner(fce, lr: 0.005, hidden: 16, scale: 10);
        var evaluate = new EvaluatorOptions { Episodes = 60, Seed = 3, BatchNorm = BatchNormAtTest.SupportStatistics };
        double before = Evaluator.Evaluate(learner, learner.Init(), validation, evaluate).Mean;
        TrainingSummary s = new MetaTrainer(learner, train, validation, new MetaTrainerOptions
        {
            Steps = 150, MetaBatchSize = 4, ValidationInterval = 150, ValidationEpisodes = 60, ValidationSeed = 3,
        }).Run();
        Assert.True(s.LastValidation!.Mean > before + 0.1, $"fce={fce}: accuracy {before} -> {s.LastValidation.Mean}");
        Assert.Equal(fce ? "matching-fce" : "matching", learner.Name);

        FewShotTask task = validation.Sample(new Rng(9));
        var model = (IClassifier)learner.Adapt(s.State, task.Support, new Rng(1));
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
}

namespace MetaLearn.Algorithms.Tests;

/// <summary>Small data made in the tests: 1-D linear regression tasks with closed forms, and Gaussian-cluster classes.</summary>
internal static class TestData
{
    /// <summary>A float64 regression task y = slope * x on the given support and query inputs.</summary>
    public static FewShotTask Line(double slope, double[] support, double[] query, double? supportSlope = null)
    {
        double ss = supportSlope ?? slope;
        return FewShotTask.Regression(
            Tensor.FromArray(support, support.Length, 1), Tensor.FromArray(support.Select(x => ss * x).ToArray(), support.Length, 1),
            Tensor.FromArray(query, query.Length, 1), Tensor.FromArray(query.Select(x => slope * x).ToArray(), query.Length, 1));
    }

    /// <summary>The model y = w x (a float64 1x1 linear layer without bias) with weight <paramref name="w"/>.</summary>
    public static Linear Scalar(double w)
    {
        var model = new Linear(1, 1, new Rng(1), bias: false, dtype: DType.Float64);
        model.Parameters = ParameterSet.Of(("weight", Tensor.FromArray(new[] { w }, 1, 1))).AsLeaves();
        return model;
    }

    /// <summary>
    /// Classes whose means differ only in the first <paramref name="signalDims"/> dimensions, with strong noise in the
    /// remaining ones: a random embedding mixes the noise in, a learned one can project it out.
    /// </summary>
    public static InMemoryDataset Clusters(string name, int classes, int perClass, int dims, int signalDims, double noise, Rng rng)
    {
        var names = new List<string>();
        var samples = new List<IReadOnlyList<float[]>>();
        for (int c = 0; c < classes; c++)
        {
            double[] mean = Enumerable.Range(0, dims).Select(d => d < signalDims ? 1.5 * rng.NextNormal() : 0).ToArray();
            var list = new List<float[]>();
            for (int i = 0; i < perClass; i++)
            {
                list.Add(Enumerable.Range(0, dims).Select(d => (float)(mean[d] + (d < signalDims ? 0.3 : noise) * rng.NextNormal())).ToArray());
            }
            names.Add($"{name}{c}");
            samples.Add(list);
        }
        return new InMemoryDataset(name, [dims], names, samples);
    }

    public static TaskSampler Sampler(InMemoryDataset data, int ways, int shots, int queries)
        => new(data, new NWays(ways), new KShots(shots, queries), new RemapLabels());

    public static double[] Values(ParameterSet p) => p.Tensors.SelectMany(t => t.ToDoubleArray()).ToArray();

    /// <summary>A step context on <paramref name="threads"/> threads.</summary>
    public static StepContext Context(int threads = 1, ulong seed = 0, long step = 1) => new(seed, step, new LocalTaskExecutor(threads));

    /// <summary>The mean meta-gradient of <paramref name="batch"/> at the learner's initial state.</summary>
    public static MetaGradient Gradient(SupervisedMetaLearner learner, params FewShotTask[] batch) => Gradient(learner, 1, batch);

    /// <summary>The mean meta-gradient of <paramref name="batch"/> at the learner's initial state, on <paramref name="threads"/> threads.</summary>
    public static MetaGradient Gradient(SupervisedMetaLearner learner, int threads, params FewShotTask[] batch)
        => learner.ComputeMetaGradient(learner.Init(), batch, Context(threads));

    /// <summary>The model adapted to <paramref name="support"/> at the learner's initial state, as a predictor.</summary>
    public static IPredictor Adapt(IMetaLearner learner, SupportSet support) => (IPredictor)learner.Adapt(learner.Init(), support, new Rng(0));
}

/// <summary>A module with no parameters that returns its input: lets ProtoNet be checked on raw coordinates.</summary>
internal sealed class Identity : Module
{
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context) => x;
}

namespace MetaLearn.Algorithms.Tests;

/// <summary>
/// On y = w x with MSE, the support loss is a quadratic in w with curvature h = 2 mean(x^2) and gradient
/// g(w) = 2 mean(x (w x - y)); one inner step gives w' = w - alpha g(w), and dw'/dw = 1 - alpha h. So the MAML
/// meta-gradient is g_q(w') (1 - alpha h)^steps while FOMAML's is g_q(w') alone.
/// </summary>
public class ClosedFormTests
{
    private static readonly double[] Support = [0.5, -1.0, 2.0];
    private static readonly double[] Query = [1.5, -0.5];

    private static double G(double w, double[] xs, double slope) => 2 * xs.Average(x => x * (w * x - slope * x));

    private static double H(double[] xs) => 2 * xs.Average(x => x * x);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void MamlMetaGradientCarriesTheCurvatureFactorThatFomamlDrops(int steps)
    {
        const double W = 0.3, Alpha = 0.1, Slope = 1.7, SupportSlope = 2.1;
        FewShotTask task = TestData.Line(Slope, Support, Query, SupportSlope);
        double fast = W;
        for (int s = 0; s < steps; s++)
        {
            fast -= Alpha * G(fast, Support, SupportSlope);
        }
        double gq = G(fast, Query, Slope);
        double factor = Math.Pow(1 - Alpha * H(Support), steps);

        var options = new MamlOptions { InnerLearningRate = Alpha, TrainInnerSteps = steps };
        double maml = TestData.Gradient(new Maml(TestData.Scalar(W), options), task).Gradient["weight"].Item();
        double fomaml = TestData.Gradient(new Maml(TestData.Scalar(W), options with { FirstOrder = true }), task).Gradient["weight"].Item();

        Assert.Equal(gq * factor, maml, 12);
        Assert.Equal(gq, fomaml, 12);
        Assert.NotEqual(maml, fomaml, 6);
    }

    [Fact]
    public void AlgorithmNameSaysWhichOrderRan()
    {
        Assert.Equal("maml", new Maml(TestData.Scalar(0), new MamlOptions()).Name);
        Assert.Equal("fomaml", new Maml(TestData.Scalar(0), new MamlOptions { FirstOrder = true }).Name);
    }

    [Fact]
    public void MetaGradientIsTheMeanOverTasks()
    {
        const double W = -0.2, Alpha = 0.05;
        FewShotTask a = TestData.Line(1.0, Support, Query), b = TestData.Line(-2.0, Support, Query);
        var options = new MamlOptions { InnerLearningRate = Alpha };
        double ga = TestData.Gradient(new Maml(TestData.Scalar(W), options), a).Gradient["weight"].Item();
        double gb = TestData.Gradient(new Maml(TestData.Scalar(W), options), b).Gradient["weight"].Item();
        MetaGradient both = TestData.Gradient(new Maml(TestData.Scalar(W), options), 2, a, b);
        Assert.Equal((ga + gb) / 2, both.Gradient["weight"].Item(), 12);
        Assert.Equal(2, both.TaskMetrics.Count);
        Assert.Equal(["loss"], both.Metrics.Names);
    }

    [Fact]
    public void MetaSgdLearnedRatesReceiveTheirClosedFormGradient()
    {
        // w' = w - a g(w): dL_q/da = g_q(w') * (-g(w)), dL_q/dw = g_q(w') (1 - a h).
        const double W = 0.4, A = 0.08, Slope = -1.3;
        FewShotTask task = TestData.Line(Slope, Support, Query);
        var learner = new MetaSgd(TestData.Scalar(W), new MetaSgdOptions { InitialInnerLearningRate = A });
        Assert.Equal(["weight", "inner_lr.weight"], learner.Init().Parameters.Names);

        MetaGradient r = TestData.Gradient(learner, task);
        double g = G(W, Support, Slope);
        double gq = G(W - A * g, Query, Slope);
        Assert.Equal(-gq * g, r.Gradient["inner_lr.weight"].Item(), 12);
        Assert.Equal(gq * (1 - A * H(Support)), r.Gradient["weight"].Item(), 12);
        Assert.NotEqual(0, r.Gradient["inner_lr.weight"].Item());
    }

    [Fact]
    public void MetaSgdStateHoldsTheRatesAndItsStepMovesThem()
    {
        var learner = new MetaSgd(TestData.Scalar(0.5), new MetaSgdOptions { InitialInnerLearningRate = 0.1 }, Optimizers.Sgd(1.0));
        LearnerState start = learner.Init();
        Assert.Equal(0.1, MetaSgd.Rates(start)["weight"].Item(), 12);
        StepResult step = learner.Step(start, [TestData.Line(1.7, Support, Query, 2.1)], TestData.Context());
        MetaGradient g = learner.ComputeMetaGradient(start, [TestData.Line(1.7, Support, Query, 2.1)], TestData.Context());
        // SGD with rate 1: the new rate is the old one minus its meta-gradient.
        Assert.Equal(0.1 - g.Gradient["inner_lr.weight"].Item(), MetaSgd.Rates(step.State)["weight"].Item(), 12);
        Assert.NotEqual(0.1, MetaSgd.Rates(step.State)["weight"].Item());
    }

    [Fact]
    public void ReptileUpdateIsStepSizeTimesMeanOfAdaptedMinusInitial()
    {
        const double W = 0.25, Beta = 0.05, Epsilon = 0.7;
        const int K = 4;
        FewShotTask a = TestData.Line(1.5, Support, Query), b = TestData.Line(-0.5, Support, Query);
        double Adapted(double slope)
        {
            double w = W;
            for (int s = 0; s < K; s++)
            {
                w -= Beta * G(w, Support, slope);
            }
            return w;
        }
        double expectedMean = (Adapted(1.5) + Adapted(-0.5)) / 2;

        var learner = new Reptile(TestData.Scalar(W), new ReptileOptions { InnerLearningRate = Beta, TrainInnerSteps = K });
        MetaGradient r = TestData.Gradient(learner, 2, a, b);
        Assert.Equal(W - expectedMean, r.Gradient["weight"].Item(), 12);

        // The learner's own update, SGD with the meta step size, is theta + eps * mean(phi - theta).
        var annealed = new Reptile(TestData.Scalar(W), new ReptileOptions
        {
            InnerLearningRate = Beta, TrainInnerSteps = K, MetaStepSize = Epsilon, FinalMetaStepSize = 0, AnnealSteps = 10,
        });
        StepResult step = annealed.Step(annealed.Init(), [a, b], TestData.Context(2));
        Assert.Equal(W + Epsilon * (expectedMean - W), step.State.Parameters["weight"].Item(), 12);
        // The second step's size is annealed: 0.9 of the first.
        StepResult second = annealed.Step(step.State, [a, b], TestData.Context(2, step: 2));
        double w1 = step.State.Parameters["weight"].Item();
        double mean1 = (AdaptedFrom(w1, 1.5) + AdaptedFrom(w1, -0.5)) / 2;
        Assert.Equal(w1 + 0.9 * Epsilon * (mean1 - w1), second.State.Parameters["weight"].Item(), 12);

        double AdaptedFrom(double start, double slope)
        {
            double w = start;
            for (int s = 0; s < K; s++)
            {
                w -= Beta * G(w, Support, slope);
            }
            return w;
        }
    }

    [Fact]
    public void ReptileInnerBatchesCycleThroughTheSupportRows()
    {
        // Support rows x = 0.5, -1, 2 in windows of 2: step 0 sees (0.5, -1), step 1 (2, 0.5), step 2 (-1, 2), ...
        const double W = 0.25, Beta = 0.05, Slope = 1.5;
        const int K = 4;
        double w = W;
        for (int s = 0; s < K; s++)
        {
            double[] batch = [Support[(2 * s) % 3], Support[(2 * s + 1) % 3]];
            w -= Beta * G(w, batch, Slope);
        }

        var options = new ReptileOptions { InnerLearningRate = Beta, TrainInnerSteps = K, InnerBatchSize = 2 };
        double pseudo = TestData.Gradient(new Reptile(TestData.Scalar(W), options), TestData.Line(Slope, Support, Query)).Gradient["weight"].Item();
        Assert.Equal(W - w, pseudo, 12);

        // A batch as large as the support set is the whole set.
        double whole = TestData.Gradient(new Reptile(TestData.Scalar(W), options with { InnerBatchSize = 0 }), TestData.Line(Slope, Support, Query)).Gradient["weight"].Item();
        double same = TestData.Gradient(new Reptile(TestData.Scalar(W), options with { InnerBatchSize = 3 }), TestData.Line(Slope, Support, Query)).Gradient["weight"].Item();
        Assert.Equal(whole, same, 15);
        Assert.NotEqual(whole, pseudo, 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Reptile(TestData.Scalar(W), options with { InnerBatchSize = -1 }));
    }

    [Fact]
    public void ReptileClassificationBatchesTakeEveryClassShotByShot()
    {
        // 3 ways x 2 shots, rows grouped by label: labels 0 0 1 1 2 2. Shot-major order: rows 0 2 4 1 3 5.
        var support = new SupportSet(Tensor.FromArray(new double[] { 0, 1, 2, 3, 4, 5 }, 6, 1), [0, 0, 1, 1, 2, 2], null, 3);
        int[] order = Reptile.InnerBatchOrder(support, 3)!;
        Assert.Equal([0, 2, 4, 1, 3, 5], order);
        SupportSet second = Reptile.InnerBatch(support, order, 3, 1);
        Assert.Equal([1.0, 3, 5], second.Inputs.ToDoubleArray());
        Assert.Equal([0, 1, 2], second.Labels!);
        SupportSet wrapped = Reptile.InnerBatch(support, order, 4, 1); // rows 4..7 of the order, wrapping round
        Assert.Equal([3.0, 5, 0, 2], wrapped.Inputs.ToDoubleArray());
        Assert.Null(Reptile.InnerBatchOrder(support, 6));
        Assert.Null(Reptile.InnerBatchOrder(support, 0));
    }

    [Fact]
    public void ReptileWithAdamUsesNoMomentum()
    {
        // With beta1 = 0 Adam's first step is lr * g / (|g| + eps) = lr * sign(g) per element.
        const double W = 0.25, Lr = 0.01;
        FewShotTask task = TestData.Line(2.0, Support, Query);
        var learner = new Reptile(TestData.Scalar(W), new ReptileOptions
        {
            InnerOptimizer = ReptileInnerOptimizer.Adam, InnerLearningRate = Lr, TrainInnerSteps = 1,
        });
        double g = G(W, Support, 2.0);
        Assert.Equal(Lr * Math.Sign(g), TestData.Gradient(learner, task).Gradient["weight"].Item(), 6);
    }

    [Fact]
    public void LinearScheduleAnnealsTheMetaStepSize()
    {
        Schedule s = Schedule.Linear(1.0, 0.0, 4);
        Assert.Equal([1.0, 0.75, 0.5, 0.25, 0.0, 0.0], new long[] { 0, 1, 2, 3, 4, 100 }.Select(t => s[t]).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.Linear(1.0, 0.0, 0));
    }

    [Fact]
    public void PrototypesAreClassMeansWhateverTheRowOrder()
    {
        var rng = new Rng(3);
        Tensor e = Tensor.Normal(rng, [7, 4], dtype: DType.Float64);
        int[] labels = [2, 0, 1, 0, 2, 2, 1];
        Tensor p = ProtoNet.Prototypes(e, labels, 3);
        for (int c = 0; c < 3; c++)
        {
            int[] rows = labels.Select((l, i) => (l, i)).Where(x => x.l == c).Select(x => x.i).ToArray();
            for (int d = 0; d < 4; d++)
            {
                Assert.Equal(rows.Average(r => e.At(r, d)), p.At(c, d), 12);
            }
        }
        Assert.Throws<ArgumentException>(() => ProtoNet.Prototypes(e, [0, 0, 0, 0, 0, 0, 0], 2)); // class 1 has no sample
    }

    [Fact]
    public void ProtoNetLogitsAreNegativeSquaredDistancesOrScaledCosines()
    {
        double[] support = [0, 0, 2, 0, 0, 4, 0, 2];
        var s = new SupportSet(Tensor.FromArray(support, 4, 2), [0, 0, 1, 1], null, 2);
        Tensor query = Tensor.FromArray(new double[] { 1, 0, 0, 3 }, 2, 2);
        // Prototypes: (1, 0) and (0, 3).
        Tensor euclid = TestData.Adapt(new ProtoNet(new Identity(), new ProtoNetOptions()), s).Predict(query);
        Assert.Equal([0, -10, -10, 0], euclid.ToDoubleArray());

        Tensor cosine = TestData.Adapt(new ProtoNet(new Identity(), new ProtoNetOptions { Distance = PrototypeDistance.Cosine, CosineScale = 5 }), s).Predict(query);
        double[] c = cosine.ToDoubleArray();
        Assert.Equal(5, c[0], 9);
        Assert.Equal(0, c[1], 9);
        Assert.Equal(0, c[2], 9);
        Assert.Equal(5, c[3], 9);
    }
}

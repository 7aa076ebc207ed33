namespace MetaLearn.Algorithms.Tests;

/// <summary>
/// The contract carries tasks of every kind and learners that own their update: a learner written only against the
/// public interfaces (here in the test project) trains on unlabeled and on environment tasks through the same
/// <see cref="MetaTrainer"/> and <see cref="Evaluator"/>, with its own metrics, optimizers and per-task random streams.
/// </summary>
public class ContractTests
{
    [Fact]
    public void AnUnlabeledLearnerWithItsOwnMetricsTrainsThroughTheTrainerAndTheEvaluator()
    {
        // Tasks: sets of points around a task-specific centre; the learner meta-learns a start that one inner step
        // moves toward the support mean, and reconstructs queries as that point (lower error is better).
        var rng = new Rng(3);
        InMemoryDataset data = TestData.Clusters("c", 8, 20, 4, 4, 0.2, rng);
        var tasks = new UnlabeledTaskSampler(data, 5, 5);
        var learner = new CentreLearner(4);
        double before = Evaluator.Evaluate(learner, learner.Init(), tasks, new EvaluatorOptions { Episodes = 40, BatchNorm = BatchNormAtTest.SupportStatistics }).Mean;
        TrainingSummary run = new MetaTrainer(learner, tasks, tasks, new MetaTrainerOptions
        {
            Steps = 40, MetaBatchSize = 4, ValidationInterval = 40, ValidationEpisodes = 40,
        }).Run();
        Assert.Equal("reconstruction_mse", run.LastValidation!.Metric);
        Assert.False(run.LastValidation.HigherIsBetter);
        Assert.True(run.LastValidation.Mean < 0.5 * before, $"reconstruction MSE {before} -> {run.LastValidation.Mean}");
        Assert.IsAssignableFrom<IReconstructor>(learner.Adapt(run.State, tasks.Sample(rng).Support, rng));
    }

    [Fact]
    public void UnlabeledTasksNeverCarryLabels()
    {
        var tasks = new UnlabeledTaskSampler(TestData.Clusters("c", 3, 4, 2, 2, 0.1, new Rng(1)), 3, 2);
        UnlabeledTask t = tasks.Sample(new Rng(2));
        Assert.Equal(TaskKind.Unlabeled, t.Kind);
        Assert.Equal([3, 2], t.SupportInputs.Shape);
        Assert.Equal([2, 2], t.QueryInputs.Shape);
        var support = (SupportSet)((ITask)t).Support;
        Assert.Null(support.Labels);
        Assert.Null(support.Targets);
        Assert.Throws<ArgumentException>(() => new UnlabeledTaskSampler(TestData.Clusters("c", 1, 3, 2, 2, 0.1, new Rng(1)), 3, 2));
        // A labelled learner refuses it by kind.
        var e = Assert.Throws<ArgumentException>(() => new Maml(TestData.Scalar(1), new MamlOptions()).Validate(t));
        Assert.Contains("Unlabeled", e.Message);
    }

    [Fact]
    public void AnEnvironmentLearnerCollectsItsOwnDataWithPerTaskStreamsIdenticallyOnOneAndTwoThreads()
    {
        var family = new BanditFamily();
        double[] Train(int threads)
        {
            var learner = new BanditLearner();
            TrainingSummary s = new MetaTrainer(learner, family, null, new MetaTrainerOptions
            {
                Steps = 30, MetaBatchSize = 6, Seed = 9, MaxDegreeOfParallelism = threads,
            }).Run();
            return TestData.Values(s.State.Parameters);
        }
        double[] one = Train(1), two = Train(2);
        Assert.Equal(one, two);
        // Arm 1 pays more in every task of the family: the meta-learned preference moves toward it.
        Assert.True(one[1] > one[0], $"logits [{string.Join(", ", one)}]");

        var learner = new BanditLearner();
        EvaluationResult r = Evaluator.Evaluate(learner, learner.Init(), family, new EvaluatorOptions { Episodes = 8, BatchNorm = BatchNormAtTest.SupportStatistics });
        Assert.Equal("return", r.Metric);
        Assert.True(r.HigherIsBetter);
    }

    [Fact]
    public void DropoutDrawsFromTheTaskStreamSoASeedGivesTheSameParametersOnAnyThreadCount()
    {
        var tasks = new SinusoidTasks(5, 5);
        IMetaLearner Make(double p)
        {
            var r = new Rng(4);
            var features = new Sequential(new Linear(1, 32, r), new ReLU(), new Dropout(p, new Rng(99)), new Linear(32, 32, r), new ReLU());
            return new Maml(new Backbone("mlp-dropout", features, new Linear(32, 1, r)), new MamlOptions { Outer = new() { LearningRate = 0.01 } });
        }
        double[] Train(IMetaLearner learner, int threads) => TestData.Values(new MetaTrainer(learner, tasks, null,
            new MetaTrainerOptions { Steps = 3, MetaBatchSize = 6, Seed = 11, MaxDegreeOfParallelism = threads }).Run().State.Parameters);
        double[] one = Train(Make(0.3), 1), two = Train(Make(0.3), 2), noDropout = Train(Make(0.0), 1);
        Assert.Equal(one, two);
        Assert.NotEqual(one, noDropout); // the masks were drawn and mattered
    }

    [Fact]
    public void TaskStreamsAreAFunctionOfSeedStepAndTaskOnly()
    {
        double Draw(ulong seed, long step, int task) => new StepContext(seed, step).TaskRng(task).NextDouble();
        Assert.Equal(Draw(1, 2, 3), Draw(1, 2, 3));
        Assert.NotEqual(Draw(1, 2, 3), Draw(1, 2, 4));
        Assert.NotEqual(Draw(1, 2, 3), Draw(1, 3, 3));
        Assert.NotEqual(Draw(1, 2, 3), Draw(2, 2, 3));
    }

    /// <summary>
    /// A minimal unlabeled learner: meta-parameter c (a point); adaptation takes one differentiable SGD step on the
    /// support's mean squared distance to c; the query is reconstructed as the adapted point. Second-order, by hand.
    /// </summary>
    private sealed class CentreLearner(int dims) : IMetaLearner
    {
        private static readonly MetricSpec Mse = MetricSpec.Lower("reconstruction_mse", "query reconstruction error after adaptation");
        private static readonly MetricSpec Loss = MetricSpec.Lower("loss", "the same, during training");
        private readonly IGradientTransformation _outer = Optimizers.Adam(0.05);

        public string Name => "centre";

        public Module Model { get; } = new Identity();

        public string ConfigJson => "{}";

        public MetricSet Metrics(TaskKind kind) => new([Mse, Loss], Mse.Name);

        public void Validate(ITask task)
        {
            if (task is not UnlabeledTask)
            {
                throw new ArgumentException($"centre: needs unlabeled tasks, got {task.Kind}.");
            }
        }

        public LearnerState Init()
        {
            ParameterSet p = ParameterSet.Of(("centre", Tensor.Full([dims], 3.0, DType.Float32))).AsLeaves(); // far from the data: there is something to learn
            return new LearnerState(p, _outer.Init(p));
        }

        public StepResult Step(LearnerState state, IReadOnlyList<ITask> batch, StepContext context)
        {
            Tensor c = state.Parameters["centre"];
            TaskResult[] results = context.Map(batch.Count, i =>
            {
                var t = (UnlabeledTask)batch[i];
                Tensor adapted = Adapted(c, t.SupportInputs, createGraph: true);
                Tensor loss = (t.QueryInputs - adapted).Square().Mean();
                return new TaskResult(Autograd.Grad(loss, [c]), new MetricValues((Loss.Name, loss.Item())));
            });
            ParameterSet g = ParameterSet.Of(("centre", TaskResult.MeanTensors(results)[0]));
            (ParameterSet next, ParameterSet opt) = _outer.StepDetached(state.Parameters, g, state.OptimizerState);
            MetricValues[] per = [.. results.Select(r => r.Metrics)];
            return new StepResult(new LearnerState(next, opt), MetricValues.Mean(per), per);
        }

        public IAdaptedModel Adapt(LearnerState state, TaskSupport support, Rng rng)
            => new Point(Adapted(state.Parameters["centre"], ((SupportSet)support).Inputs, createGraph: false).Detach());

        public MetricValues Evaluate(LearnerState state, ITask task, EpisodeContext context)
        {
            var t = (UnlabeledTask)task;
            Tensor r = ((IReconstructor)Adapt(state, t.Support, context.Rng)).Reconstruct(t.QueryInputs);
            using (Autograd.NoGrad())
            {
                double mse = (t.QueryInputs - r).Square().Mean().Item();
                return new MetricValues((Mse.Name, mse), (Loss.Name, mse));
            }
        }

        private static Tensor Adapted(Tensor c, Tensor support, bool createGraph)
        {
            Tensor inner = (support - c).Square().Mean();
            return c - 0.3 * Autograd.Grad(inner, c, createGraph: createGraph);
        }

        private sealed class Point(Tensor c) : IReconstructor
        {
            public Tensor Reconstruct(Tensor inputs) => c.Unsqueeze(0).Expand(inputs.Shape.ToArray());
        }
    }

    /// <summary>Two-armed Bernoulli bandits whose arm probabilities are drawn per task; arm 1 is always the better one.</summary>
    private sealed class BanditFamily : ITaskSource<EnvironmentTask>
    {
        public TaskKind Kind => TaskKind.Environment;

        public EnvironmentTask Sample(Rng rng)
        {
            double p0 = rng.NextDouble(0.1, 0.4), p1 = rng.NextDouble(0.6, 0.9);
            return new EnvironmentTask(() => new Bandit(p0, p1), adaptationEpisodes: 0, evaluationEpisodes: 10, maxEpisodeSteps: 1, $"arms {p0:F2} {p1:F2}");
        }
    }

    private sealed class Bandit(double p0, double p1) : IEnvironment
    {
        private Rng? _rng;

        public int ObservationSize => 1;

        public ActionSpace Actions { get; } = new(Discrete: true, Size: 2);

        public Tensor Reset(Rng rng)
        {
            _rng = rng;
            return Tensor.Zeros([1], DType.Float32);
        }

        public EnvironmentStep Step(Tensor action)
        {
            double p = action.Item() == 0 ? p0 : p1;
            return new EnvironmentStep(Tensor.Zeros([1], DType.Float32), _rng!.NextDouble() < p ? 1 : 0, Terminated: true, Truncated: false);
        }
    }

    /// <summary>REINFORCE on a softmax over the two arms, pulling with the task's own random stream.</summary>
    private sealed class BanditLearner : IMetaLearner
    {
        private static readonly MetricSpec Return = MetricSpec.Higher("return", "mean reward per episode");
        private readonly IGradientTransformation _outer = Optimizers.Sgd(0.5);

        public string Name => "bandit";

        public Module Model { get; } = new Identity();

        public string ConfigJson => "{}";

        public MetricSet Metrics(TaskKind kind) => new([Return], Return.Name);

        public void Validate(ITask task)
        {
            if (task is not EnvironmentTask)
            {
                throw new ArgumentException("bandit: needs environment tasks.");
            }
        }

        public LearnerState Init()
        {
            ParameterSet p = ParameterSet.Of(("logits", Tensor.Zeros([2], DType.Float64))).AsLeaves();
            return new LearnerState(p, _outer.Init(p));
        }

        public StepResult Step(LearnerState state, IReadOnlyList<ITask> batch, StepContext context)
        {
            Tensor logits = state.Parameters["logits"];
            TaskResult[] results = context.Map(batch.Count, i =>
            {
                var task = (EnvironmentTask)batch[i];
                Rng rng = context.TaskRng(i);
                Tensor logp = logits.LogSoftmax(0);
                Tensor surrogate = Tensor.Scalar(0.0, DType.Float64);
                double total = 0;
                for (int e = 0; e < 4; e++)
                {
                    IEnvironment env = task.Create();
                    env.Reset(rng);
                    int arm = rng.NextDouble() < Math.Exp(logp[1]) ? 1 : 0;
                    double reward = env.Step(Tensor.Scalar(arm, DType.Float32)).Reward;
                    total += reward;
                    surrogate += logp.Slice(0, arm, 1).Sum() * reward;
                }
                Tensor objective = -(surrogate / 4.0);
                return new TaskResult(Autograd.Grad(objective, [logits]), new MetricValues((Return.Name, total / 4)));
            });
            ParameterSet g = ParameterSet.Of(("logits", TaskResult.MeanTensors(results)[0]));
            (ParameterSet next, ParameterSet opt) = _outer.StepDetached(state.Parameters, g, state.OptimizerState);
            MetricValues[] per = [.. results.Select(r => r.Metrics)];
            return new StepResult(new LearnerState(next, opt), MetricValues.Mean(per), per);
        }

        public IAdaptedModel Adapt(LearnerState state, TaskSupport support, Rng rng) => new Greedy(state.Parameters["logits"].Detach());

        public MetricValues Evaluate(LearnerState state, ITask task, EpisodeContext context)
        {
            Rng rng = context.Rng;
            var t = (EnvironmentTask)task;
            var policy = (IPolicy)Adapt(state, t.Support, rng);
            double total = 0;
            for (int e = 0; e < t.EvaluationEpisodes; e++)
            {
                IEnvironment env = t.Create();
                Tensor obs = env.Reset(rng);
                total += env.Step(policy.Act(obs, rng)).Reward;
            }
            return new MetricValues((Return.Name, total / t.EvaluationEpisodes));
        }

        private sealed class Greedy(Tensor logits) : IPolicy
        {
            public Tensor Act(Tensor observation, Rng rng) => Tensor.Scalar(logits[1] > logits[0] ? 1 : 0, DType.Float32);
        }
    }
}

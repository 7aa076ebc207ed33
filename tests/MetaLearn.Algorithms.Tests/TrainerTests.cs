using System.Text.Json;

namespace MetaLearn.Algorithms.Tests;

public sealed class TrainerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "metalearn-trainer-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static MetaSgd NewLearner() => new(Backbones.RegressionMlp(new Rng(4), hidden: 16), new MetaSgdOptions { InitialInnerLearningRate = 0.02 },
        Optimizers.Adam(Schedule.Cosine(0.01, 8)));

    private MetaTrainer NewTrainer(IMetaLearner learner, string dir, bool resume, IProgress<TrainingProgress>? progress = null) => new(
        learner, new SinusoidTasks(5, 5), new SinusoidTasks(5, 20),
        new MetaTrainerOptions
        {
            Steps = 8, MetaBatchSize = 4, Seed = 3, ValidationInterval = 2, ValidationEpisodes = 10,
            OutputDirectory = dir, CheckpointInterval = 3, Resume = resume,
        }, progress);

    [Fact]
    public void StoppingAndResumingGivesTheSameParametersAsAnUninterruptedRun()
    {
        MetaSgd straight = NewLearner();
        TrainingSummary full = NewTrainer(straight, Path.Combine(_dir, "straight"), resume: false).Run();
        Assert.True(full.Completed);

        string split = Path.Combine(_dir, "split");
        MetaSgd first = NewLearner();
        TrainingSummary half = NewTrainer(first, split, resume: false).Run(stopAfterStep: 5);
        Assert.Equal(5, half.Step);
        Assert.False(half.Completed);

        MetaSgd resumed = NewLearner(); // fresh weights: everything must come from the checkpoint
        TrainingSummary rest = NewTrainer(resumed, split, resume: true).Run();
        Assert.Equal(5, rest.ResumedFrom);
        Assert.Equal(8, rest.Step);

        Assert.Equal(TestData.Values(full.State.Parameters), TestData.Values(rest.State.Parameters));
        Assert.Equal(TestData.Values(full.State.OptimizerState), TestData.Values(rest.State.OptimizerState));
        Assert.Equal(full.BestMetric, rest.BestMetric);
        Assert.Equal(full.BestStep, rest.BestStep);

        // The metrics log has each step once, as in the uninterrupted run, with identical losses.
        static double[] Losses(string dir) => File.ReadAllLines(Path.Combine(dir, MetaTrainer.MetricsFile))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("loss").GetDouble()).ToArray();
        Assert.Equal(8, Losses(split).Length);
        Assert.Equal(Losses(Path.Combine(_dir, "straight")), Losses(split));
    }

    [Fact]
    public void ATimeLimitStopsBetweenStepsAndSavesLast()
    {
        string dir = Path.Combine(_dir, "timed");
        var trainer = new MetaTrainer(NewLearner(), new SinusoidTasks(5, 5), null, new MetaTrainerOptions
        {
            Steps = 100_000_000, MetaBatchSize = 2, OutputDirectory = dir, TimeLimit = TimeSpan.FromMilliseconds(300),
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TrainingSummary summary = trainer.Run();
        Assert.False(summary.Completed);
        Assert.InRange(summary.Step, 1, 99_999_999);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"stopped after {clock.Elapsed}");
        Assert.True(File.Exists(Path.Combine(dir, MetaTrainer.LastCheckpoint)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetaTrainer(NewLearner(), new SinusoidTasks(5, 5), null,
            new MetaTrainerOptions { Steps = 1, TimeLimit = TimeSpan.Zero }));
    }

    [Fact]
    public void WritesLastAndBestCheckpointsWithJsonSummariesAndReportsProgress()
    {
        var reports = new List<TrainingProgress>();
        MetaSgd learner = NewLearner();
        TrainingSummary summary = NewTrainer(learner, _dir, resume: false, new SyncProgress(reports.Add)).Run();

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), reports.Where(r => !r.Validating).Select(r => r.Step));
        Assert.Equal(4, reports.Count(r => r.Validation is not null));
        Assert.Equal([2L, 4, 6, 8], reports.Where(r => r.Validating).Select(r => r.Step)); // announced before each validation

        Checkpoint last = Checkpoint.Load(Path.Combine(_dir, MetaTrainer.LastCheckpoint));
        Assert.Equal(8, last.Metadata.Step);
        Assert.Equal("metasgd", last.Metadata.Algorithm);
        Assert.Contains("inner_lr.head.weight", last.Model.Names);
        Assert.True(last.OptimizerState.Count > 0);
        Assert.Equal(TestData.Values(summary.State.Parameters), TestData.Values(last.Model.Filter((n, _) => summary.State.Parameters.Contains(n))));
        Assert.Equal(TestData.Values(summary.State.OptimizerState), TestData.Values(last.OptimizerState));

        Checkpoint best = Checkpoint.Load(Path.Combine(_dir, MetaTrainer.BestCheckpoint));
        Assert.Equal(summary.BestStep, best.Metadata.Step);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "best.json")));
        Assert.Equal(summary.BestStep, json.RootElement.GetProperty("step").GetInt64());
        Assert.Equal(0.02, json.RootElement.GetProperty("config").GetProperty("learner").GetProperty("InitialInnerLearningRate").GetDouble());
    }

    [Fact]
    public void NaNLossStopsTrainingNamingStepTaskAndOpAndKeepsTheLastGoodState()
    {
        var learner = new Maml(Backbones.RegressionMlp(new Rng(4), hidden: 8), new MamlOptions());
        var source = new PoisonedSource(new SinusoidTasks(5, 5), poisonFromCall: 1 + 2 * 4 + 2); // validation draw, two good meta-batches, then task 2
        var trainer = new MetaTrainer(learner, source, null,
            new MetaTrainerOptions { Steps = 5, MetaBatchSize = 4, OutputDirectory = _dir, CheckpointInterval = 0 });
        TrainingDivergedException e = Assert.Throws<TrainingDivergedException>(() => trainer.Run());
        Assert.Contains("meta-step 3", e.Message);
        Assert.Contains("task 2", e.Message);
        Assert.Contains("anomaly detection", e.Message);
        Assert.Contains("Anomaly detected: ", e.Message); // the op that made the NaN, found by rerunning the step
        Assert.Contains("produced NaN", e.Message);
        Assert.Contains("(step 2) was saved", e.Message);
        Assert.Equal(3, e.Step);
        // No checkpoint interval: the state before the bad step is written anyway, and it is finite.
        Checkpoint last = Checkpoint.Load(Path.Combine(_dir, MetaTrainer.LastCheckpoint));
        Assert.Equal(2, last.Metadata.Step);
        Assert.Null(LearnerCheckpoint.FirstNonFinite(last.Model));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(_dir, MetaTrainer.MetricsFile)).Length);
    }

    [Fact]
    public void ADivergenceAtTheFirstStepSavesTheInitialStateAndSaysSo()
    {
        var learner = new Maml(Backbones.RegressionMlp(new Rng(4), hidden: 8), new MamlOptions());
        var trainer = new MetaTrainer(learner, new PoisonedSource(new SinusoidTasks(5, 5), poisonFromCall: 1), null,
            new MetaTrainerOptions { Steps = 5, MetaBatchSize = 2, OutputDirectory = _dir });
        TrainingDivergedException e = Assert.Throws<TrainingDivergedException>(() => trainer.Run());
        Assert.Contains("initial state (step 0)", e.Message);
        Assert.Equal(0, Checkpoint.Load(Path.Combine(_dir, MetaTrainer.LastCheckpoint)).Metadata.Step);
    }

    [Fact]
    public void ATornMetricsLineAndOrphanedTemporaryFilesAreCleanedUpOnResume()
    {
        NewTrainer(NewLearner(), _dir, resume: false).Run(stopAfterStep: 3);
        string metrics = Path.Combine(_dir, MetaTrainer.MetricsFile);
        File.AppendAllText(metrics, "{\"step\":4,\"loss\":1.2"); // a crash or a full disk cut the line
        string orphan = Path.Combine(_dir, ".last.safetensors.0123456789abcdef0123456789abcdef.tmp");
        File.WriteAllText(orphan, "half a checkpoint");
        TrainingSummary rest = NewTrainer(NewLearner(), _dir, resume: true).Run();
        Assert.Equal(8, rest.Step);
        Assert.False(File.Exists(orphan));
        long[] steps = [.. File.ReadAllLines(metrics).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt64())];
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), steps);
    }

    [Fact]
    public void BestIsChosenByTheNamedValidationMetricInItsDirection()
    {
        var learner = new Maml(Backbones.RegressionMlp(new Rng(4), hidden: 8), new MamlOptions());
        var options = new MetaTrainerOptions { Steps = 4, MetaBatchSize = 2, ValidationInterval = 1, ValidationEpisodes = 5, BestMetric = "loss" };
        TrainingSummary s = new MetaTrainer(learner, new SinusoidTasks(5, 5), new SinusoidTasks(5, 5), options).Run();
        Assert.Equal("loss", s.LastValidation!.Metric);
        var e = Assert.Throws<ArgumentException>(() => new MetaTrainer(learner, new SinusoidTasks(5, 5), new SinusoidTasks(5, 5), options with { BestMetric = "accuracy" }));
        Assert.Contains("mse, loss", e.Message);
    }

    [Fact]
    public void InconsistentSettingsFailBeforeTrainingNamingTheSetting()
    {
        var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => new Maml(Backbones.RegressionMlp(new Rng(1)), new MamlOptions { TrainInnerSteps = 0 }));
        Assert.Contains("TrainInnerSteps", e1.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => new Reptile(Backbones.RegressionMlp(new Rng(1)), new ReptileOptions { InnerLearningRate = double.NaN }));
        Assert.Contains("InnerLearningRate", e2.Message);

        // A 5-way head on 3-way tasks is caught by the trainer's constructor.
        TaskSampler threeWay = TestData.Sampler(TestData.Clusters("c", 6, 4, 4, 2, 1.0, new Rng(1)), 3, 1, 1);
        var anil = new Anil(Backbones.RegressionMlp(new Rng(1), inFeatures: 4, outFeatures: 5), new MamlOptions());
        var e3 = Assert.Throws<ArgumentException>(() => new MetaTrainer(anil, threeWay, null, new MetaTrainerOptions { Steps = 1 }));
        Assert.Contains("5 outputs", e3.Message);
        Assert.Contains("3-way", e3.Message);

        Assert.Throws<ArgumentException>(() => new MetaTrainer(anil, threeWay, null, new MetaTrainerOptions { Steps = 1, ValidationInterval = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetaTrainer(anil, threeWay, null, new MetaTrainerOptions { Steps = 0 }));
    }

    [Fact]
    public void ResumingIntoADifferentAlgorithmFails()
    {
        NewTrainer(NewLearner(), _dir, resume: false).Run(stopAfterStep: 1);
        var maml = new Maml(Backbones.RegressionMlp(new Rng(4), hidden: 16), new MamlOptions());
        var trainer = new MetaTrainer(maml, new SinusoidTasks(5, 5), null,
            new MetaTrainerOptions { Steps = 2, OutputDirectory = _dir, Resume = true });
        var e = Assert.Throws<InvalidDataException>(() => trainer.Run());
        Assert.Contains("metasgd", e.Message);
    }

    [Fact]
    public void ResumingWithOtherLearnerSettingsFails()
    {
        NewTrainer(NewLearner(), _dir, resume: false).Run(stopAfterStep: 1);
        var other = new MetaSgd(Backbones.RegressionMlp(new Rng(4), hidden: 16), new MetaSgdOptions { InitialInnerLearningRate = 0.5 });
        var e = Assert.Throws<InvalidDataException>(() => NewTrainer(other, _dir, resume: true).Run());
        Assert.Contains("learner settings", e.Message);
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    /// <summary>Returns tasks with NaN targets from the given (0-based) call on.</summary>
    private sealed class PoisonedSource(ITaskSource<FewShotTask> inner, int poisonFromCall) : ITaskSource<FewShotTask>
    {
        private int _calls;

        public TaskKind Kind => inner.Kind;

        public FewShotTask Sample(Rng rng)
        {
            FewShotTask t = inner.Sample(rng);
            if (_calls++ < poisonFromCall)
            {
                return t;
            }
            Tensor nan = Tensor.Full(t.QueryTargets!.Shape.ToArray(), double.NaN);
            return FewShotTask.Regression(t.SupportInputs, t.SupportTargets!, t.QueryInputs, nan);
        }
    }
}

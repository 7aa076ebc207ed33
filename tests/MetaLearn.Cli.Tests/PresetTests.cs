using MetaLearn.Algorithms;
using MetaLearn.Cli.Registry;
using MetaLearn.Cli.Training;
using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Tests;

/// <summary>
/// Every preset data file resolves against the registry, builds its learner and tasks, takes one meta-step with a finite
/// loss, and adapts to a test task with the capabilities its learner's registration promises.
/// </summary>
public class PresetTests
{
    public static TheoryData<string> Names() => [.. Presets.All.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryPresetTakesAMetaStepAndAdaptsToATestTask(string name)
    {
        RunConfig config = RunConfig.FromPreset(name);
        if (config.Task.Name == "omniglot")
        {
            config = config.With(new ConfigEntry("omniglot.data", Path.GetDirectoryName(CliRunner.OmniglotFile("images_background.zip"))!, "test"));
        }
        using RunSetup setup = RunSetup.Create(config);
        var rng = new Rng(7);
        IReadOnlyList<ITask> batch = setup.Tasks.Train.SampleBatch(rng, 1);
        LearnerState state = setup.Learner.Init();
        StepResult step = setup.Learner.Step(state, batch, new StepContext(1, 1));
        Assert.True(double.IsFinite(step.Metrics["loss"]) && step.Metrics["loss"] > 0, $"{name}: loss {step.Metrics["loss"]}");

        var test = (FewShotTask)setup.Tasks.Test.Sample(rng);
        IAdaptedModel adapted = setup.Learner.Adapt(step.State, test.Support, rng);
        Capability promised = config.Learner.Capabilities[config.Task.Kind];
        Assert.Equal(promised.HasFlag(Capability.Classify), adapted is IClassifier);
        Assert.Equal(promised.HasFlag(Capability.Predict), adapted is IPredictor);
        Tensor predicted = ((IPredictor)adapted).Predict(test.QueryInputs);
        int outputs = config.Task.Kind == TaskKind.Classification ? config.Int("ways") : config.Shape.OutputSize;
        Assert.Equal([test.QueryInputs.Shape[0], outputs], predicted.Shape);
    }

    [Fact]
    public void EveryPresetFileHasADescriptionAndOnlyKnownKeys()
    {
        Assert.Contains(Presets.All, p => p.Name == Presets.Default);
        foreach (Preset p in Presets.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(p.Description), p.Name);
            RunConfig c = RunConfig.FromPreset(p.Name);
            Assert.Equal(p.Name, c.Preset);
            Assert.Equal(p.Learner, c.Learner.Name);
        }
    }

    [Fact]
    public void APresetFileWithAnErrorNamesTheFileLineAndKey()
    {
        List<ConfigEntry> entries = ConfigFiles.ReadYaml("preset file Presets/broken.yaml", "learner: maml\ntask: sinusoid\nmaml:\n  inner_lr: fast\n");
        var e = Assert.Throws<UsageException>(() => RunConfig.Resolve(entries));
        Assert.Contains("preset file Presets/broken.yaml line 4", e.Message);
        Assert.Contains("maml.inner_lr", e.Message);
    }
}

using MetaLearn.Algorithms;
using MetaLearn.Cli.Training;
using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Tests;

/// <summary>Every preset builds its learner and tasks, takes one meta-step with a finite loss, and adapts to a test task.</summary>
public class PresetTests
{
    public static TheoryData<string> Names() => [.. TrainConfig.Presets.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryPresetTakesAMetaStepAndAdaptsToATestTask(string name)
    {
        TrainConfig config = TrainConfig.FromPreset(name);
        if (config.IsClassification)
        {
            config.Set("data", Path.GetDirectoryName(CliRunner.OmniglotFile("images_background.zip"))!);
        }
        using RunSetup setup = RunSetup.Create(config);
        var rng = new Rng(7);
        IReadOnlyList<FewShotTask> batch = setup.Train.SampleBatch(rng, 1);
        setup.Learner.Validate(batch[0]);
        MetaStepResult step = setup.Learner.MetaStep(batch);
        Assert.True(double.IsFinite(step.Loss) && step.Loss > 0, $"{name}: loss {step.Loss}");

        FewShotTask test = setup.Test.Sample(rng);
        Tensor predicted = setup.Learner.Adapt(SupportSet.Of(test)).Predict(test.QueryInputs);
        int outputs = config.IsClassification ? config.Int("ways") : 1;
        Assert.Equal([test.QueryInputs.Shape[0], outputs], predicted.Shape);
    }
}

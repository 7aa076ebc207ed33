using MetaLearn.Algorithms;
using MetaLearn.Cli.Registry;

namespace MetaLearn.Cli.Tests;

/// <summary><c>metalearn learners</c> shows every learner, task family, preset and key, read from the registry, so nobody reads source to configure a run.</summary>
public class LearnersCommandTests
{
    [Fact]
    public void TheOverviewListsEveryLearnerTaskFamilyPresetAndGeneralKey()
    {
        (int exit, string output, string error) = CliRunner.Run("learners");
        Assert.True(exit == 0, error);
        foreach (LearnerRegistration l in Registrations.Learners)
        {
            Assert.Contains($"  {l.Name} ", output);
            Assert.Contains(l.Reference, output);
        }
        foreach (TaskFamilyRegistration t in Registrations.TaskFamilies)
        {
            Assert.Contains($"  {t.Name} ", output);
        }
        foreach (Preset p in Presets.All)
        {
            Assert.Contains($"  {p.Name} ", output);
            Assert.Contains(p.Description, output);
        }
        foreach (ConfigKey k in GeneralKeys.Trainer.Concat(GeneralKeys.Episode))
        {
            Assert.Contains($"  {k.Name} ", output);
        }
    }

    [Fact]
    public void ALearnerListsItsNamespacedKeysWithDefaultsRangesAndPresets()
    {
        (int exit, string output, string error) = CliRunner.Run("learners", "reptile");
        Assert.True(exit == 0, error);
        Assert.Contains("reptile.inner_optimizer", output);
        Assert.Contains("one of sgd, adam; default sgd", output);
        Assert.Contains("reptile.meta_step_final", output);
        Assert.Contains("number >= 0; default 0", output);
        Assert.Contains("presets: reptile-omniglot-5w1s, reptile-sinusoid", output);
        Assert.Contains("classification (predict, classify); regression (predict)", output);

        (exit, output, error) = CliRunner.Run("learners", "omniglot");
        Assert.True(exit == 0, error);
        Assert.Contains("omniglot.split", output);
        Assert.Contains("learners: ", output);

        (exit, output, error) = CliRunner.Run("learners", "maml-omniglot-20w1s");
        Assert.True(exit == 0, error);
        Assert.Contains("maml.inner_lr", output);
        Assert.Contains("0.1", output);
    }

    [Fact]
    public void AnUnknownNameSuggestsTheClosest()
    {
        (int exit, _, string error) = CliRunner.Run("learners", "protonett");
        Assert.Equal(2, exit);
        Assert.Contains("did you mean 'protonet'", error);
    }

    [Fact]
    public void EveryRegisteredCapabilityNamesAnInterfaceAndEveryKeyHasAValidDefault()
    {
        foreach (LearnerRegistration l in Registrations.Learners)
        {
            Assert.NotEmpty(l.Capabilities);
            foreach (ConfigKey k in l.Keys)
            {
                Assert.Equal(k.Check($"{l.Name}.{k.Name}", k.Default), k.Default); // the default passes its own check
                Assert.False(string.IsNullOrWhiteSpace(k.Description));
            }
            Assert.Equal(l.Keys.Count, l.Keys.Select(k => k.Name).Distinct().Count());
        }
        Assert.Equal("predict, classify", (Capability.Predict | Capability.Classify).Describe());
    }
}

namespace MetaLearn.Cli.Tests;

/// <summary>Commands ask for the capability they need and name the learner and the capability when a checkpoint lacks it (issue 14).</summary>
public class CapabilityTests
{
    [Fact]
    public void ClassifyAndEmbedOnARegressionCheckpointNameTheLearnerAndTheCapability()
    {
        string dir = Path.Combine(Path.GetTempPath(), "metalearn-capability-" + Guid.NewGuid().ToString("N"));
        (int exit, _, string error) = CliRunner.Run("train", "--out", dir, "--steps", "1", "--set", "validation_interval=0", "--set", "test_episodes=0");
        Assert.True(exit == 0, error);
        string checkpoint = Path.Combine(dir, "last.safetensors");
        Directory.CreateDirectory(Path.Combine(dir, "s", "a"));
        Directory.CreateDirectory(Path.Combine(dir, "s", "b"));

        (exit, _, error) = CliRunner.Run("classify", "--checkpoint", checkpoint, "--support", Path.Combine(dir, "s"), "--query", dir);
        Assert.Equal(2, exit);
        Assert.Contains("holds maml trained on sinusoid regression tasks, which offers predict", error);
        Assert.Contains("classify needs a learner with the classify capability", error);

        (exit, _, error) = CliRunner.Run("embed", "--checkpoint", checkpoint, "--images", dir);
        Assert.Equal(2, exit);
        Assert.Contains("holds maml trained on sinusoid regression tasks, which offers predict; this needs embed", error);

        (exit, _, error) = CliRunner.Run("embed", "--checkpoint", checkpoint);
        Assert.Equal(2, exit);
        Assert.Contains("give either --images", error);
        Directory.Delete(dir, recursive: true);
    }
}

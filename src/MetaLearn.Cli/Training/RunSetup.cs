using MetaLearn.Algorithms;
using MetaLearn.Cli.Registry;
using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Training;

/// <summary>
/// Everything a configuration describes, built through the registry: the learner with its model, and the task sources.
/// Train, eval, classify and report all build through here, so a checkpoint is always read back into the network it came from.
/// </summary>
internal sealed class RunSetup : IDisposable
{
    private RunSetup(RunConfig config, IMetaLearner learner, TaskSources tasks)
    {
        Config = config;
        Learner = learner;
        Tasks = tasks;
    }

    public RunConfig Config { get; }

    public IMetaLearner Learner { get; }

    public TaskSources Tasks { get; }

    /// <summary>Builds the learner and its model only (no data is opened): enough for classify and report.</summary>
    public static IMetaLearner BuildLearner(RunConfig config)
    {
        var rng = new Rng(config.ULong("seed"));
        try
        {
            return config.Learner.Build(new LearnerBuild(config, config.Shape, rng));
        }
        catch (ArgumentException e)
        {
            // Options the learner refuses (they name the setting).
            throw new UsageException($"{config.Learner.Name}: {e.Message}");
        }
    }

    /// <summary>Builds the learner and opens the task sources; <paramref name="test"/> overrides the test tasks' ways or shots.</summary>
    public static RunSetup Create(RunConfig config, TestOverride? test = null)
    {
        IMetaLearner learner = BuildLearner(config);
        return new RunSetup(config, learner, config.Task.Open(config, test));
    }

    /// <summary>
    /// Reads <paramref name="checkpointPath"/> into a state for <paramref name="learner"/> (checking learner, architecture,
    /// names, shapes, dtypes and finiteness); every problem is a usage error naming the file.
    /// </summary>
    public static LearnerState LoadCheckpoint(IMetaLearner learner, string checkpointPath)
    {
        try
        {
            return LearnerCheckpoint.Restore(checkpointPath, learner).State;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            string message = e.Message.StartsWith("checkpoint", StringComparison.Ordinal) ? e.Message : $"cannot read checkpoint '{checkpointPath}': {e.Message}";
            throw new UsageException($"{message} (the {RunConfig.FileName} beside it describes {learner.Name}; keep a checkpoint in the run directory it was written to)");
        }
    }

    /// <summary>The configuration stored beside a checkpoint (train writes <c>config.json</c> into the run directory).</summary>
    public static RunConfig ConfigBeside(string checkpointPath)
    {
        if (!File.Exists(checkpointPath))
        {
            throw new UsageException($"checkpoint '{checkpointPath}' does not exist. Give a .safetensors file from a run directory, e.g. runs/NAME/best.safetensors.");
        }
        string config = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!, RunConfig.FileName);
        if (!File.Exists(config))
        {
            throw new UsageException($"no {RunConfig.FileName} beside checkpoint '{checkpointPath}': metalearn train writes it into the run directory; keep the checkpoint there.");
        }
        return RunConfig.Load(config);
    }

    public void Dispose() => Tasks.Dispose();
}

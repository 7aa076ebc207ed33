using System.Text.Json;
using System.Text.Json.Nodes;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// A learner's state on disk: the one place that writes and reads checkpoints for training, resuming, evaluation and
/// the CLI. A checkpoint holds the meta-parameters and the model's buffers under their own names, the optimizer state
/// under <c>optimizer.*</c>, and metadata naming the architecture, the learner and its settings.
/// </summary>
public static class LearnerCheckpoint
{
    /// <summary>Saves <paramref name="state"/> (and the model's buffers) atomically.</summary>
    /// <param name="path">The .safetensors file.</param>
    /// <param name="learner">The learner the state belongs to.</param>
    /// <param name="state">The state to save.</param>
    /// <param name="step">The meta-step the state was reached at.</param>
    /// <param name="config">A JSON object recorded as the checkpoint's configuration.</param>
    public static void Save(string path, IMetaLearner learner, LearnerState state, long step, JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(config);
        var metadata = new CheckpointMetadata
        {
            Architecture = Architecture(learner.Model),
            Algorithm = learner.Name,
            Config = config.ToJsonString(),
            Step = step,
        };
        Checkpoint.Save(path, state.Parameters.Concat(learner.Model.Buffers), metadata, state.OptimizerState);
    }

    /// <summary>
    /// Reads <paramref name="path"/> into a state for <paramref name="learner"/>, after checking that it holds this
    /// learner on this architecture, that every tensor has the name, shape and dtype the learner expects, and that every
    /// value is finite. Sets the model's buffers. With <paramref name="requireSameSettings"/> (resuming) the learner's
    /// settings must also equal the saved ones.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is unreadable, belongs to another learner or architecture, or holds a mismatched or non-finite tensor.</exception>
    public static (LearnerState State, Checkpoint Checkpoint) Restore(string path, IMetaLearner learner, bool requireSameSettings = false)
    {
        ArgumentNullException.ThrowIfNull(learner);
        Checkpoint checkpoint = Checkpoint.Load(path);
        string architecture = Architecture(learner.Model);
        if (checkpoint.Metadata.Architecture != architecture || checkpoint.Metadata.Algorithm != learner.Name)
        {
            throw new InvalidDataException(
                $"checkpoint '{path}' holds {checkpoint.Metadata.Algorithm} on '{checkpoint.Metadata.Architecture}', " +
                $"but the learner is {learner.Name} on '{architecture}'. Use the settings the checkpoint was trained with.");
        }
        if (requireSameSettings)
        {
            using JsonDocument saved = JsonDocument.Parse(checkpoint.Metadata.Config);
            // Resuming with other learner settings (say, another inner learning rate) would silently continue a
            // different run; the trainer settings may differ (e.g. more steps to extend a finished run).
            if (saved.RootElement.TryGetProperty("learner", out JsonElement settings)
                && !JsonNode.DeepEquals(JsonNode.Parse(settings.GetRawText()), JsonNode.Parse(learner.ConfigJson)))
            {
                throw new InvalidDataException(
                    $"cannot resume from '{path}': it was trained with learner settings {settings.GetRawText()}, but this run uses {learner.ConfigJson}. " +
                    "Use the same settings or a fresh output directory.");
            }
        }
        LearnerState expected = learner.Init();
        ParameterSet parameters = Pick(path, "parameter", checkpoint.Model, expected.Parameters).AsLeaves();
        ParameterSet buffers = Pick(path, "buffer", checkpoint.Model, learner.Model.Buffers).Detach();
        ParameterSet optimizer = checkpoint.RestoreOptimizerState(expected.OptimizerState);
        learner.Model.Buffers = buffers;
        return (new LearnerState(parameters, optimizer), checkpoint);
    }

    /// <summary>The architecture name recorded for <paramref name="model"/>.</summary>
    public static string Architecture(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model is Backbone b ? b.Architecture : model.Label;
    }

    /// <summary>The name and index of the first non-finite element of <paramref name="tensors"/>, if any.</summary>
    public static (string Name, int Index, double Value)? FirstNonFinite(ParameterSet tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach ((string name, Tensor t) in tensors)
        {
            for (int k = 0; k < t.Count; k++)
            {
                double v = t[k];
                if (!double.IsFinite(v))
                {
                    return (name, k, v);
                }
            }
        }
        return null;
    }

    private static ParameterSet Pick(string path, string what, ParameterSet saved, ParameterSet expected) => expected.Map((name, e) =>
    {
        if (!saved.TryGet(name, out Tensor? t))
        {
            throw new InvalidDataException($"checkpoint '{path}' has no {what} '{name}' ({e.DType.Name()} [{string.Join(", ", e.Shape.ToArray())}]); it was written for another model.");
        }
        if (!t.Shape.SequenceEqual(e.Shape) || t.DType != e.DType)
        {
            throw new InvalidDataException(
                $"checkpoint '{path}': {what} '{name}' is {t.DType.Name()} [{string.Join(", ", t.Shape.ToArray())}] in the file " +
                $"but the model expects {e.DType.Name()} [{string.Join(", ", e.Shape.ToArray())}].");
        }
        for (int k = 0; k < t.Count; k++)
        {
            if (!double.IsFinite(t[k]))
            {
                throw new InvalidDataException(
                    $"checkpoint '{path}': {what} '{name}' holds a non-finite value ({t[k]}) at index {k}; the weights are corrupt or the run diverged. " +
                    "Use an earlier checkpoint (best.safetensors, or last from before the divergence).");
            }
        }
        return t;
    });
}

using System.Globalization;
using System.Text.Json;
using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// A saved training state: the model's parameters and buffers under their own names (so
/// <c>model.load_state_dict(safetensors.torch.load_file(path), strict=False)</c> works in PyTorch), the optimizer
/// state under <c>optimizer.*</c>, and <see cref="CheckpointMetadata"/> in the <c>__metadata__</c> map
/// (<c>metalearn.architecture</c>, <c>metalearn.algorithm</c>, <c>metalearn.config</c>, <c>metalearn.step</c>).
/// Saving is atomic: a failed save leaves the previous checkpoint intact.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>Name prefix of the optimizer-state tensors.</summary>
    public const string OptimizerPrefix = "optimizer";

    private const string FormatVersion = "1";

    private Checkpoint(string path, CheckpointMetadata metadata, ParameterSet model, ParameterSet optimizerState)
    {
        Path = path;
        Metadata = metadata;
        Model = model;
        OptimizerState = optimizerState;
    }

    /// <summary>The file this checkpoint was read from.</summary>
    public string Path { get; }

    /// <summary>Architecture, algorithm, configuration and step.</summary>
    public CheckpointMetadata Metadata { get; }

    /// <summary>The model's parameters and buffers.</summary>
    public ParameterSet Model { get; }

    /// <summary>The optimizer state (names without the <c>optimizer.</c> prefix); empty when none was saved.</summary>
    public ParameterSet OptimizerState { get; }

    /// <summary>Saves <paramref name="model"/>'s parameters and buffers, the optimizer state and the metadata to <paramref name="path"/>.</summary>
    public static void Save(string path, Module model, CheckpointMetadata metadata, ParameterSet? optimizerState = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Save(path, model.Parameters.Concat(model.Buffers), metadata, optimizerState);
    }

    /// <summary>Saves model tensors, the optimizer state and the metadata to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, ParameterSet model, CheckpointMetadata metadata, ParameterSet? optimizerState = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentException.ThrowIfNullOrWhiteSpace(metadata.Architecture);
        string? clash = model.Names.FirstOrDefault(n => n.StartsWith(OptimizerPrefix + ".", StringComparison.Ordinal));
        if (clash is not null)
        {
            throw new ArgumentException($"Checkpoint: model tensor '{clash}' starts with '{OptimizerPrefix}.', which is reserved for the optimizer state; rename the module.");
        }
        try
        {
            using (JsonDocument.Parse(metadata.Config))
            {
            }
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"Checkpoint: the config must be a JSON document; it does not parse ({e.Message}).", nameof(metadata), e);
        }
        var map = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["metalearn.format_version"] = FormatVersion,
            ["metalearn.architecture"] = metadata.Architecture,
            ["metalearn.algorithm"] = metadata.Algorithm,
            ["metalearn.config"] = metadata.Config,
            ["metalearn.step"] = metadata.Step.ToString(CultureInfo.InvariantCulture),
        };
        ParameterSet all = optimizerState is { Count: > 0 } ? model.Concat(optimizerState.Prefix(OptimizerPrefix)) : model;
        SafeTensors.Save(path, all, map);
    }

    /// <summary>Reads a checkpoint written by <see cref="Save(string, ParameterSet, CheckpointMetadata, ParameterSet?)"/>.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt, or lacks MetaLearn's metadata.</exception>
    public static Checkpoint Load(string path)
    {
        SafeTensorsContent content = SafeTensors.Load(path);
        IReadOnlyDictionary<string, string> m = content.Metadata;
        string Get(string key) => m.TryGetValue(key, out string? v)
            ? v
            : throw new InvalidDataException($"Checkpoint '{path}' has no '{key}' in its safetensors metadata; it was not written by MetaLearn (use SafeTensors.Load for plain tensor files).");
        if (!long.TryParse(Get("metalearn.step"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long step))
        {
            throw new InvalidDataException($"Checkpoint '{path}': metadata 'metalearn.step' is '{m["metalearn.step"]}', not an integer.");
        }
        var metadata = new CheckpointMetadata
        {
            Architecture = Get("metalearn.architecture"),
            Algorithm = Get("metalearn.algorithm"),
            Config = Get("metalearn.config"),
            Step = step,
        };
        ParameterSet model = content.Tensors.Filter((n, _) => !n.StartsWith(OptimizerPrefix + ".", StringComparison.Ordinal));
        return new Checkpoint(path, metadata, model, content.Tensors.Scope(OptimizerPrefix));
    }

    /// <summary>
    /// Copies the saved parameters and buffers into <paramref name="model"/>. The architecture (when the model is a
    /// <see cref="Backbone"/>) and every tensor's name, shape and dtype must match; otherwise nothing is changed and the
    /// error names the file, the tensor, and the expected and found shape/dtype.
    /// </summary>
    public void Restore(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is Backbone b && b.Architecture != Metadata.Architecture)
        {
            throw new InvalidDataException(
                $"Checkpoint '{Path}' holds architecture '{Metadata.Architecture}' but the model is '{b.Architecture}'. Build the model with the checkpoint's settings.");
        }
        ParameterSet parameters = Match("model", model.Parameters);
        ParameterSet buffers = Match("model", model.Buffers);
        string? extra = Model.Names.FirstOrDefault(n => !parameters.Contains(n) && !buffers.Contains(n));
        if (extra is not null)
        {
            throw new InvalidDataException($"Checkpoint '{Path}' has tensor '{extra}', which model '{model.Label}' does not have (wrong architecture?).");
        }
        model.Parameters = parameters;
        model.Buffers = buffers;
    }

    /// <summary>
    /// The saved optimizer state, checked against <paramref name="expected"/> (what <c>optimizer.Init(parameters)</c>
    /// returns for the model): same names, shapes and dtypes.
    /// </summary>
    public ParameterSet RestoreOptimizerState(ParameterSet expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ParameterSet state = Match("optimizer state", expected, OptimizerState, OptimizerPrefix + ".");
        string? extra = OptimizerState.Names.FirstOrDefault(n => !expected.Contains(n));
        if (extra is not null)
        {
            throw new InvalidDataException($"Checkpoint '{Path}' has optimizer tensor '{OptimizerPrefix}.{extra}', which this optimizer does not use (a different optimizer?).");
        }
        return state;
    }

    private ParameterSet Match(string what, ParameterSet expected) => Match(what, expected, Model, "");

    /// <summary>For each expected tensor, the saved one (as a leaf requiring grad when the expected one does).</summary>
    private ParameterSet Match(string what, ParameterSet expected, ParameterSet saved, string shownPrefix)
    {
        return expected.Map((name, e) =>
        {
            if (!saved.TryGet(name, out Tensor? found))
            {
                throw new InvalidDataException($"Checkpoint '{Path}' has no tensor '{shownPrefix}{name}', which the {what} expects ({Describe(e)}).");
            }
            if (!found.Shape.SequenceEqual(e.Shape) || found.DType != e.DType)
            {
                throw new InvalidDataException(
                    $"Checkpoint '{Path}': tensor '{shownPrefix}{name}' is {Describe(found)} in the file but the {what} expects {Describe(e)}.");
            }
            return e.RequiresGrad && e.IsLeaf ? found.Detach().SetRequiresGrad() : found;
        });
    }

    private static string Describe(Tensor t) => $"{t.DType.Name()} [{string.Join(", ", t.Shape.ToArray())}]";
}

namespace MetaLearn.Algorithms;

/// <summary>
/// What a model adapted by a learner can do; a learner's registration lists the ones it offers for each task kind, and
/// a command asks for the one it needs (<c>classify</c> needs <see cref="Classify"/>, <c>sample</c> needs <see cref="Sample"/>).
/// Each flag is one interface an adapted model implements.
/// </summary>
[Flags]
public enum Capability
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Outputs for inputs: <see cref="IPredictor"/>.</summary>
    Predict = 1,

    /// <summary>Class scores over the support set's classes: <see cref="IClassifier"/>.</summary>
    Classify = 2,

    /// <summary>A predictive mean and variance with a log-likelihood: <see cref="IDistributionPredictor"/>.</summary>
    PredictDistribution = 4,

    /// <summary>New inputs like the support set's: <see cref="ISampler"/>.</summary>
    Sample = 8,

    /// <summary>Inputs passed through an autoencoder: <see cref="IReconstructor"/>.</summary>
    Reconstruct = 16,

    /// <summary>A vector describing the whole task: <see cref="ITaskEmbedder"/>.</summary>
    EmbedTask = 32,

    /// <summary>Actions for observations: <see cref="IPolicy"/>.</summary>
    Act = 64,

    /// <summary>A vector for each input (an encoder's code, a feature net's embedding): <see cref="IEmbedder"/>.</summary>
    Embed = 128,
}

/// <summary>Names of capabilities for messages and listings.</summary>
public static class CapabilityNames
{
    /// <summary>E.g. <c>predict, classify</c>, or <c>none</c>.</summary>
    public static string Describe(this Capability capabilities)
    {
        string[] names = [.. Enum.GetValues<Capability>().Where(c => c != Capability.None && capabilities.HasFlag(c)).Select(Name)];
        return names.Length == 0 ? "none" : string.Join(", ", names);
    }

    /// <summary>The lower-case name used on the command line and in listings, e.g. <c>predict-distribution</c>.</summary>
    public static string Name(this Capability capability) => capability switch
    {
        Capability.Predict => "predict",
        Capability.Classify => "classify",
        Capability.PredictDistribution => "predict-distribution",
        Capability.Sample => "sample",
        Capability.Reconstruct => "reconstruct",
        Capability.EmbedTask => "embed-task",
        Capability.Act => "act",
        Capability.Embed => "embed",
        _ => capability.ToString().ToLowerInvariant(),
    };
}

using MetaLearn.Algorithms;
using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Registry;

/// <summary>
/// How the command line knows a learner: its name, what it is, the task kinds it trains on with the capabilities its
/// adapted models offer on each, its configuration keys (namespaced by <see cref="Name"/>), and how to build it with its
/// model from a configuration. Adding a learner is its algorithm, its options, one of these, and its tests.
/// </summary>
internal sealed record LearnerRegistration
{
    /// <summary>The name in configurations and listings, and the namespace of its keys (e.g. <c>maml</c>).</summary>
    public required string Name { get; init; }

    /// <summary>One line: what it is.</summary>
    public required string Summary { get; init; }

    /// <summary>The paper, e.g. <c>Finn, Abbeel and Levine 2017</c>.</summary>
    public required string Reference { get; init; }

    /// <summary>The task kinds it trains on, each with what its adapted models can do on them.</summary>
    public required IReadOnlyDictionary<TaskKind, Capability> Capabilities { get; init; }

    /// <summary>Its own keys (names without the namespace).</summary>
    public required IReadOnlyList<ConfigKey> Keys { get; init; }

    /// <summary>Builds the learner and its model.</summary>
    public required Func<LearnerBuild, IMetaLearner> Build { get; init; }

    /// <summary>
    /// True when the model has a head with one output per class, so training, validation and test tasks (and a classify
    /// support folder) must have the configured <c>ways</c>; false for learners that take any number of classes (metric learners).
    /// </summary>
    public bool FixedWays { get; init; }

    /// <summary>Checks combinations one key cannot; throws <see cref="UsageException"/>.</summary>
    public Action<RunConfig>? Check { get; init; }

    /// <summary>The task kinds it trains on.</summary>
    public IEnumerable<TaskKind> TaskKinds => Capabilities.Keys;
}

/// <summary>What a registration's <see cref="LearnerRegistration.Build"/> gets: the configuration, the task's shape and the initialisation stream.</summary>
internal sealed class LearnerBuild(RunConfig config, TaskShape task, Rng rng)
{
    /// <summary>The whole configuration.</summary>
    public RunConfig Config { get; } = config;

    /// <summary>The tasks' kind and shapes (input shape, ways, output size).</summary>
    public TaskShape Task { get; } = task;

    /// <summary>The stream every initial weight is drawn from (seeded by the run's <c>seed</c>).</summary>
    public Rng Rng { get; } = rng;

    /// <summary>The learner's own key <paramref name="key"/> as an integer.</summary>
    public int Int(string key) => Config.Int(Own(key));

    /// <summary>The learner's own key <paramref name="key"/> as a number.</summary>
    public double Double(string key) => Config.Double(Own(key));

    /// <summary>The learner's own key <paramref name="key"/> as a boolean.</summary>
    public bool Bool(string key) => Config.Bool(Own(key));

    /// <summary>The learner's own key <paramref name="key"/> as text.</summary>
    public string Text(string key) => Config[Own(key)];

    /// <summary>The outer Adam described by the learner's <c>outer_lr</c> and <c>lr_halve_every</c> keys.</summary>
    public OuterAdamOptions OuterAdam() => new() { LearningRate = Double("outer_lr"), HalvingInterval = Int("lr_halve_every") };

    /// <summary>
    /// The usual backbone for the tasks: MAML's 4-layer convnet (<paramref name="downsampling"/>) with a <c>ways</c>-way
    /// head for images, the MLP of the sinusoid experiments for regression (<c>hidden_layers</c> layers, 0 for a linear
    /// model); <c>hidden</c> channels or units.
    /// </summary>
    public Backbone Backbone(ConvDownsampling downsampling = ConvDownsampling.Strided)
    {
        int hidden = Int("hidden");
        return Task.Kind switch
        {
            TaskKind.Classification when Task.InputShape is [1, int h, int w] && h == w
                => Backbones.OmniglotConvNet(Task.Ways, Rng, hidden: hidden, downsampling: downsampling, imageSize: h),
            TaskKind.Regression when Task.InputShape is [int inputs]
                => Backbones.RegressionMlp(Rng, inFeatures: inputs, hidden: hidden, outFeatures: Task.OutputSize,
                    hiddenLayers: Config.Has(Own("hidden_layers")) ? Int("hidden_layers") : 2),
            _ => throw new UsageException(
                $"{Config.Learner.Name}: no backbone for {Task.Kind} tasks with inputs [{string.Join(", ", Task.InputShape)}]."),
        };
    }

    private string Own(string key) => $"{Config.Learner.Name}.{key}";
}

/// <summary>The shape of a run's tasks, known before any data is opened.</summary>
/// <param name="Kind">The kind of task.</param>
/// <param name="InputShape">One input's shape, e.g. [1, 28, 28] or [1].</param>
/// <param name="Ways">Classes per validation and test task (0 for regression).</param>
/// <param name="TrainWays">Classes per training task (0 for regression).</param>
/// <param name="OutputSize">Outputs per input (regression), else 0.</param>
internal sealed record TaskShape(TaskKind Kind, IReadOnlyList<int> InputShape, int Ways, int TrainWays, int OutputSize);

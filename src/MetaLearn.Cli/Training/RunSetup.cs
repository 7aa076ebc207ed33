using MetaLearn.Algorithms;
using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Optim;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Training;

/// <summary>
/// Everything a configuration describes, built: the model and learner, the task sources and the outer optimizer.
/// Train, eval and classify all build through here, so a checkpoint is always read back into the network it came from.
/// </summary>
internal sealed class RunSetup : IDisposable
{
    private readonly IDisposable? _owner;

    private RunSetup(TrainConfig config, Backbone model, IMetaLearner learner, ITaskSource train, ITaskSource test, ITaskSource validation, IDisposable? owner)
    {
        Config = config;
        Model = model;
        Learner = learner;
        Train = train;
        Test = test;
        Validation = validation;
        _owner = owner;
    }

    public TrainConfig Config { get; }

    public Backbone Model { get; }

    public IMetaLearner Learner { get; }

    public ITaskSource Train { get; }

    public ITaskSource Validation { get; }

    public ITaskSource Test { get; }

    /// <summary>Builds the learner only (no data is opened): enough for classify.</summary>
    public static (Backbone Model, IMetaLearner Learner) BuildLearner(TrainConfig c)
    {
        var rng = new Rng(c.ULong("seed"));
        string algorithm = c["algorithm"];
        Backbone model = c.IsClassification
            ? Backbones.OmniglotConvNet(c.Int("ways"), rng, hidden: c.Int("hidden"),
                downsampling: algorithm == "protonet" ? ConvDownsampling.MaxPool : ConvDownsampling.Strided)
            : Backbones.RegressionMlp(rng, hidden: c.Int("hidden"));
        var maml = new MamlOptions
        {
            InnerLearningRate = c.Double("inner_lr"), TrainInnerSteps = c.Int("inner_steps"), TestInnerSteps = c.Int("test_inner_steps"),
            FirstOrder = algorithm == "fomaml",
        };
        IMetaLearner learner = algorithm switch
        {
            "maml" or "fomaml" => new Maml(model, maml),
            "anil" => new Anil(model, maml),
            "metasgd" => new MetaSgd(model, new MetaSgdOptions
            {
                InitialInnerLearningRate = c.Double("inner_lr"), TrainInnerSteps = c.Int("inner_steps"), TestInnerSteps = c.Int("test_inner_steps"),
            }),
            "reptile" => new Reptile(model, new ReptileOptions
            {
                InnerOptimizer = c["inner_optimizer"] == "adam" ? ReptileInnerOptimizer.Adam : ReptileInnerOptimizer.Sgd,
                InnerLearningRate = c.Double("inner_lr"), TrainInnerSteps = c.Int("inner_steps"), TestInnerSteps = c.Int("test_inner_steps"),
                InnerBatchSize = c.Int("inner_batch"),
            }),
            "protonet" => new ProtoNet(model, new ProtoNetOptions()),
            _ => throw new UsageException($"unknown algorithm '{algorithm}'."),
        };
        return (model, learner);
    }

    /// <summary>Builds the learner and opens the task distribution. <paramref name="testWays"/>/<paramref name="testShots"/> override the test tasks.</summary>
    public static RunSetup Create(TrainConfig c, int? testWays = null, int? testShots = null)
    {
        c.ValidateCombination();
        (Backbone model, IMetaLearner learner) = BuildLearner(c);
        int ways = testWays ?? c.Int("ways"), shots = testShots ?? c.Int("shots");
        if (!c.IsClassification)
        {
            return new RunSetup(c, model, learner,
                new SinusoidTasks(c.Int("train_shots"), c.Int("queries")),
                new SinusoidTasks(shots, c.Int("test_queries")),
                new SinusoidTasks(c.Int("shots"), c.Int("test_queries")), null);
        }
        string root = FindOmniglot(c["data"]);
        OmniglotDataset data = OmniglotDataset.Open(root, 28, OmniglotSet.Background, OmniglotSet.Evaluation);
        try
        {
            bool vinyals = c["split"] == "vinyals";
            OmniglotSplit split = vinyals ? OmniglotSplit.Vinyals(data, seed: 1) : OmniglotSplit.Lake(data, seed: 1);
            var (trainPart, validationPart, testPart) = split.Apply(new CachedDataset(data));
            TaskSampler Sampler(ILabeledDataset part, int n, int k, int q)
                => new(vinyals ? new RotatedClasses(part) : part, new NWays(n), new KShots(k, q), new RemapLabels());
            return new RunSetup(c, model, learner,
                Sampler(trainPart, c.Int("train_ways"), c.Int("train_shots"), c.Int("queries")),
                Sampler(testPart, ways, shots, c.Int("test_queries")),
                Sampler(validationPart, c.Int("ways"), c.Int("shots"), c.Int("test_queries")), data);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>The outer optimizer: Reptile's annealed SGD on its pseudo-gradient, else Adam (optionally halved on a schedule).</summary>
    public IGradientTransformation OuterOptimizer()
    {
        TrainConfig c = Config;
        if (c["algorithm"] == "reptile")
        {
            return Reptile.OuterOptimizer(c.Double("meta_step"), c.Double("meta_step_final"), c.Int("steps"));
        }
        int every = c.Int("lr_halve_every");
        return Optimizers.Adam(every > 0 ? Schedule.Step(c.Double("outer_lr"), every, 0.5) : Schedule.Constant(c.Double("outer_lr")));
    }

    /// <summary>
    /// The Omniglot root: <paramref name="data"/> when set, else the first data directory (or its <c>omniglot</c>
    /// sub-folder) that holds both images_background and images_evaluation.
    /// </summary>
    public static string FindOmniglot(string data)
    {
        if (data.Length > 0)
        {
            foreach (OmniglotSet set in new[] { OmniglotSet.Background, OmniglotSet.Evaluation })
            {
                try
                {
                    OmniglotSets.Locate(data, set);
                }
                catch (FileNotFoundException e)
                {
                    throw new UsageException($"data={data}: {e.Message} Or run `metalearn data download omniglot --to {data}`.");
                }
            }
            return data;
        }
        var looked = new List<string>();
        foreach (string dir in DataDirectories.Candidates())
        {
            foreach (string root in new[] { dir, Path.Combine(dir, "omniglot") })
            {
                looked.Add(root);
                if (HasOmniglot(root))
                {
                    return root;
                }
            }
        }
        throw new UsageException(
            $"Omniglot (images_background and images_evaluation, zips or folders) was not found; looked in {string.Join(", ", looked)}. " +
            $"Fetch it with `metalearn data download omniglot --to DIR`, then pass --set data=DIR (or set {DataDirectories.Variable}=DIR).");
    }

    private static bool HasOmniglot(string root) =>
        new[] { OmniglotSet.Background, OmniglotSet.Evaluation }.All(s =>
            File.Exists(Path.Combine(root, s.FileStem() + ".zip")) || Directory.Exists(Path.Combine(root, s.FileStem())));

    /// <summary>Reads <paramref name="checkpointPath"/> into the learner, after checking it holds this learner's network.</summary>
    public static void LoadCheckpoint(IMetaLearner learner, string checkpointPath)
    {
        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.Load(checkpointPath);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new UsageException($"cannot read checkpoint '{checkpointPath}': {e.Message}");
        }
        string architecture = learner.Model is Backbone b ? b.Architecture : learner.Model.Label;
        if (checkpoint.Metadata.Architecture != architecture || checkpoint.Metadata.Algorithm != learner.Algorithm)
        {
            throw new UsageException(
                $"checkpoint '{checkpointPath}' holds {checkpoint.Metadata.Algorithm} on '{checkpoint.Metadata.Architecture}', but its {TrainConfig.FileName} describes " +
                $"{learner.Algorithm} on '{architecture}'. Keep the checkpoint in the run directory it was written to.");
        }
        ParameterSet Pick(ParameterSet expected) => expected.Map((name, e) =>
            checkpoint.Model.TryGet(name, out Tensor? t) && t.Shape.SequenceEqual(e.Shape)
                ? t
                : throw new UsageException($"checkpoint '{checkpointPath}' has no tensor '{name}' of shape [{string.Join(", ", e.Shape.ToArray())}]; it does not match its {TrainConfig.FileName}."));
        learner.Parameters = Pick(learner.Parameters).AsLeaves();
        learner.Model.Buffers = Pick(learner.Model.Buffers).Detach();
    }

    /// <summary>The configuration stored beside a checkpoint (train writes <c>config.json</c> into the run directory).</summary>
    public static TrainConfig ConfigBeside(string checkpointPath)
    {
        if (!File.Exists(checkpointPath))
        {
            throw new UsageException($"checkpoint '{checkpointPath}' does not exist. Give a .safetensors file from a run directory, e.g. runs/NAME/best.safetensors.");
        }
        string config = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!, TrainConfig.FileName);
        if (!File.Exists(config))
        {
            throw new UsageException($"no {TrainConfig.FileName} beside checkpoint '{checkpointPath}': metalearn train writes it into the run directory; keep the checkpoint there.");
        }
        return TrainConfig.Load(config);
    }

    public void Dispose() => _owner?.Dispose();
}

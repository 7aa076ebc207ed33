using System.Globalization;
using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Optim;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// Relation Networks (Sung, Yang, Zhang, Xiang, Torr and Hospedales 2018, "Learning to Compare"): a feature net embeds
/// the support and query images; each class's feature map is the sum of its shots' maps; a relation module scores every
/// (class, query) pair, concatenated along the channels, with a sigmoid relation score in [0, 1]; training regresses the
/// scores onto the one-hot labels with a mean squared error. No inner loop: any number of ways in one pass.
/// </summary>
/// <remarks>
/// <para>The model is a <see cref="Composite"/> with children <c>features</c> and <c>relation</c>
/// (<see cref="OmniglotModel"/>: the paper's Omniglot networks and initialisation). Each network is updated by its own
/// Adam after clipping its own gradient (<see cref="MultiTransform"/>, as the paper's code does with two optimizers).</para>
/// <para>Adapted models return <c>log(score)</c> per class, so a softmax gives the relation scores normalised over the
/// classes. Queries are normalised with support statistics: the feature net's from the support images, the relation
/// module's from the pairs (support image, class), so each answer depends on its query alone. The paper's code scores
/// test queries in training mode, normalising each batch of pairs by its own statistics (the transductive protocol).</para>
/// </remarks>
public sealed class RelationNetworks : SupervisedMetaLearner
{
    private readonly Composite _model;

    /// <summary>Creates the learner over a composite with children <c>features</c> (images to feature maps) and <c>relation</c> (pairs to one score).</summary>
    public RelationNetworks(Composite model, RelationNetworksOptions options, IGradientTransformation? outerOptimizer = null)
        : base(model, options, outerOptimizer ?? CreateOptimizer(Checked(options)))
    {
        _ = model["features"];
        _ = model["relation"];
        _model = model;
        Options = options;
    }

    /// <summary>The settings.</summary>
    public RelationNetworksOptions Options { get; }

    /// <inheritdoc/>
    public override string Name => "relation";

    /// <summary>
    /// The paper's Omniglot networks: a feature net of four 3x3 convolution blocks with 64 channels (the first two
    /// unpadded and max-pooled, the last two padded: 28 -> 5x5 maps), and a relation module of two padded convolution
    /// blocks with pooling on the 128-channel pairs (5 -> 2 -> 1), a ReLU layer of <paramref name="relationHidden"/> units
    /// and a sigmoid output. Initialised as the paper's code: convolutions N(0, sqrt(2 / (k*k*out))) with zero bias, linear
    /// layers N(0, 0.01) with bias 1, batch-norm scale 1 and shift 0.
    /// </summary>
    public static Composite OmniglotModel(Rng rng, int channels = 1, int hidden = 64, int relationHidden = 8, int imageSize = 28, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Module Block(int input, int padding, bool pool)
        {
            var layers = new List<Module> { new Conv2d(input, hidden, 3, rng, padding: padding, dtype: dtype), new BatchNorm2d(hidden, BatchNormMode.BatchStatistics, dtype: dtype) };
            if (pool)
            {
                layers.Add(new MaxPool2d(2)); // before the ReLU: the same function, on a quarter of the data
            }
            layers.Add(new ReLU());
            return new Sequential([.. layers]);
        }
        int side = imageSize;
        side = (side - 2) / 2;
        side = (side - 2) / 2;
        int relationSide = side / 2 / 2;
        if (side < 4 || relationSide < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"RelationNetworks.OmniglotModel: {imageSize}x{imageSize} images are too small for the feature net and relation module; use at least 22.");
        }
        var features = new Sequential(Block(channels, 0, true), Block(hidden, 0, true), Block(hidden, 1, false), Block(hidden, 1, false));
        var relation = new Sequential(Block(2 * hidden, 1, true), Block(hidden, 1, true), new Flatten(),
            new Linear(hidden * relationSide * relationSide, relationHidden, rng, dtype: dtype), new ReLU(), new Linear(relationHidden, 1, rng, dtype: dtype), new Sigmoid());
        var model = new Composite(string.Create(CultureInfo.InvariantCulture,
            $"relationnet(in={channels}, hidden={hidden}, relation={relationHidden}, {imageSize}x{imageSize})"), [("features", features), ("relation", relation)]);
        model.Parameters = model.Parameters.Map((name, p) => PaperInit(name, p, rng)).AsLeaves();
        return model;
    }

    /// <summary>
    /// The relation score of every (query, class) pair: <c>[Q, ways]</c> in [0, 1]. <paramref name="classFeatures"/> are
    /// <c>[ways, C, H, W]</c>, <paramref name="queryFeatures"/> <c>[Q, C, H, W]</c>.
    /// </summary>
    public Tensor Relations(Tensor classFeatures, Tensor queryFeatures, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(classFeatures);
        ArgumentNullException.ThrowIfNull(queryFeatures);
        ArgumentNullException.ThrowIfNull(parameters);
        int ways = classFeatures.Shape[0], queries = queryFeatures.Shape[0], channels = classFeatures.Shape[1];
        // The relation module's first layer is a convolution of the pair [class map, query map] along the channels, which
        // is linear in the pair: conv([a, b], [Wa, Wb]) = conv(a, Wa) + conv(b, Wb). So each class map and each query map
        // is convolved once (ways + queries images instead of ways x queries pairs) and the pair's pre-activation is
        // their broadcast sum: the same function as the paper's, about ways times less work for that layer.
        var relation = (Sequential)_model["relation"];
        var first = (Sequential)relation[0];
        var conv = (Conv2d)first[0];
        ParameterSet r = parameters.Scope("relation"), c = r.Scope("0.0");
        Tensor weight = c["weight"];
        Tensor byClass = Functional.Conv2d(classFeatures, weight.Slice(1, 0, channels), conv.HasBias ? c["bias"] : null, conv.Stride, conv.Padding);
        Tensor byQuery = Functional.Conv2d(queryFeatures, weight.Slice(1, channels, channels), null, conv.Stride, conv.Padding);
        int[] map = [.. byClass.Shape[1..]];
        // Pair q * ways + c is (class c, query q), as in the paper's code.
        Tensor pairs = (byClass.Unsqueeze(0) + byQuery.Unsqueeze(1)).Reshape([queries * ways, .. map]);
        Tensor h = first.ForwardFrom(1, pairs, r.Scope("0"), context);
        return relation.ForwardFrom(1, h, r, context).Reshape(queries, ways);
    }

    /// <summary>Each class's feature map: the sum of its shots' maps (the paper's K-shot rule), <c>[ways, C, H, W]</c>.</summary>
    public static Tensor ClassFeatures(Tensor supportFeatures, int[] labels, int ways)
    {
        ArgumentNullException.ThrowIfNull(supportFeatures);
        ArgumentNullException.ThrowIfNull(labels);
        var weights = new double[ways * labels.Length];
        var counts = new int[ways];
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)ways)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"relation: label {labels[i]} is outside 0..{ways - 1}.");
            }
            weights[labels[i] * labels.Length + i] = 1;
            counts[labels[i]]++;
        }
        int empty = Array.IndexOf(counts, 0);
        if (empty >= 0)
        {
            throw new ArgumentException($"relation: class {empty} has no support sample, so it has no feature map.");
        }
        int[] map = [.. supportFeatures.Shape[1..]];
        Tensor sum = Tensor.FromArray(weights, ways, labels.Length).To(supportFeatures.DType).MatMul(supportFeatures.Flatten(1));
        return sum.Reshape([ways, .. map]);
    }

    /// <inheritdoc/>
    public override void Validate(ITask task)
    {
        FewShotTask t = RequireFewShot(task);
        if (!t.IsClassification)
        {
            throw new ArgumentException("relation: relation networks classify; the task is a regression task.");
        }
        if (t.Queries == 0 || t.Shots == 0)
        {
            throw new ArgumentException($"relation: the task needs shots >= 1 and queries >= 1; got shots {t.Shots}, queries {t.Queries}.");
        }
    }

    /// <inheritdoc/>
    public override IAdaptedModel Adapt(LearnerState state, TaskSupport support, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(state);
        SupportSet s = RequireSupervised(support);
        if (s.Labels is null)
        {
            throw new ArgumentException("relation: the support set has no labels; relation networks classify.");
        }
        ParameterSet parameters = state.Parameters.Detach();
        using (Autograd.NoGrad())
        {
            SupportStatistics? statistics = Model.Training ? new SupportStatistics() : null;
            ForwardContext record = Context(0, rng) with { Statistics = statistics };
            Tensor supportFeatures = _model.Run("features", s.Inputs, parameters, record);
            Tensor classes = ClassFeatures(supportFeatures, s.Labels, s.Ways);
            // The relation module's statistics come from the pairs (support image, class): support data only.
            Relations(classes, supportFeatures, parameters, record);
            return new RelationClassifier(this, parameters, classes, Context(0, rng), statistics?.Freeze());
        }
    }

    /// <inheritdoc/>
    public override MetricValues Evaluate(LearnerState state, ITask task, EpisodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        FewShotTask t = RequireFewShot(task);
        var model = (RelationClassifier)Adapt(state, t.Support, context.Rng);
        Tensor scores = model.Scores(t.QueryInputs, transductive: context.BatchNorm == BatchNormAtTest.Transductive);
        using (Autograd.NoGrad())
        {
            double loss = Functional.MseLoss(scores, Functional.OneHot(t.QueryLabels!, t.Ways, scores.DType)).Item();
            return new MetricValues((SupervisedObjective.Accuracy.Name, SupervisedObjective.AccuracyOf(scores, t.QueryLabels!)), (SupervisedObjective.Loss.Name, loss));
        }
    }

    /// <inheritdoc/>
    protected override TaskResult RunTask(ParameterSet parameters, FewShotTask task, Rng rng)
    {
        ForwardContext context = Context(0, rng);
        Tensor supportFeatures = _model.Run("features", task.SupportInputs, parameters, context);
        Tensor queryFeatures = _model.Run("features", task.QueryInputs, parameters, context);
        Tensor scores = Relations(ClassFeatures(supportFeatures, task.SupportLabels!, task.Ways), queryFeatures, parameters, context);
        Tensor loss = Functional.MseLoss(scores, Functional.OneHot(task.QueryLabels!, task.Ways, scores.DType));
        return Result(task, scores, loss, Autograd.Grad(loss, parameters.Tensors));
    }

    private static IGradientTransformation CreateOptimizer(RelationNetworksOptions o)
    {
        IGradientTransformation Adam()
        {
            IGradientTransformation adam = Optimizers.Adam(o.HalvingInterval > 0 ? Schedule.Step(o.LearningRate, o.HalvingInterval, 0.5) : Schedule.Constant(o.LearningRate));
            return o.ClipNorm > 0 ? adam.WithGlobalNormClipping(o.ClipNorm) : adam;
        }
        // One Adam per network, each after clipping that network's own gradient, as the paper's code does.
        return new MultiTransform(new Dictionary<string, IGradientTransformation> { ["features"] = Adam(), ["relation"] = Adam() },
            name => name[..name.IndexOf('.')]);
    }

    private static Tensor PaperInit(string name, Tensor p, Rng rng)
    {
        bool bias = name.EndsWith(".bias", StringComparison.Ordinal);
        return p.Rank switch
        {
            4 => Tensor.Normal(rng, p.Shape.ToArray(), std: Math.Sqrt(2.0 / (p.Shape[2] * p.Shape[3] * p.Shape[0])), dtype: p.DType),
            2 => Tensor.Normal(rng, p.Shape.ToArray(), std: 0.01, dtype: p.DType),
            // 1-D: convolution biases 0, linear biases 1, batch-norm scale 1 and shift 0 (the layer's own start).
            _ when bias && IsLinearBias(name) => Tensor.Ones(p.Shape.ToArray(), p.DType),
            _ when bias && IsConvBias(name) => Tensor.Zeros(p.Shape.ToArray(), p.DType),
            _ => p.Detach(),
        };
    }

    // Children of a block are 0: Conv2d, 1: BatchNorm2d; Linear layers sit directly in the relation module (indices 3, 5).
    private static bool IsConvBias(string name) => name.EndsWith(".0.bias", StringComparison.Ordinal) && name.Split('.').Length == 4;

    private static bool IsLinearBias(string name) => name.StartsWith("relation.", StringComparison.Ordinal) && name.Split('.').Length == 3;

    private static RelationNetworksOptions Checked(RelationNetworksOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private sealed class RelationClassifier(RelationNetworks owner, ParameterSet parameters, Tensor classes, ForwardContext context, SupportStatistics? statistics)
        : IClassifier, ITransductivePredictor
    {
        public int Ways => classes.Shape[0];

        /// <summary>The relation scores <c>[N, ways]</c> in [0, 1].</summary>
        public Tensor Scores(Tensor inputs, bool transductive)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            ForwardContext c = transductive ? context : context with { Statistics = statistics };
            using (Autograd.NoGrad())
            {
                return owner.Relations(classes, owner._model.Run("features", inputs, parameters, c), parameters, c);
            }
        }

        /// <summary>log(score): a softmax over classes gives the scores normalised to sum to one.</summary>
        public Tensor Predict(Tensor inputs) => Log(Scores(inputs, transductive: false));

        public Tensor PredictTransductive(Tensor inputs) => Log(Scores(inputs, transductive: true));

        private static Tensor Log(Tensor scores)
        {
            using (Autograd.NoGrad())
            {
                return (scores + 1e-12).Log();
            }
        }
    }
}

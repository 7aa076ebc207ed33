using System.Globalization;
using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Optim;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// Matching Networks (Vinyals, Blundell, Lillicrap, Kavukcuoglu and Wierstra 2016): a query's label is the
/// attention-weighted sum of the support labels, <c>y = sum_i a(x, x_i) y_i</c>, with <c>a</c> the softmax over the
/// support set of the cosine similarity of the query's embedding <c>f(x)</c> and each support embedding <c>g(x_i)</c>.
/// Training minimises the query's negative log-probability of its label. No inner loop: any number of ways.
/// </summary>
/// <remarks>
/// <para>With <see cref="MatchingNetworksOptions.FullContextEmbeddings"/> the embeddings read the whole support set
/// (appendix A of the paper): <c>g(x_i, S) = h_i(fwd) + h_i(bwd) + g'(x_i)</c> from a bidirectional LSTM over the support
/// embeddings, and <c>f(x, S)</c> is K steps of an attention LSTM whose state is the read-out
/// <c>r = sum_i softmax(h^T g(x_i)) g(x_i)</c>: <c>(h', c) = LSTM([f'(x), r], h, c)</c>, <c>h = h' + f'(x)</c>. The paper
/// feeds <c>[h, r]</c> as the recurrent state; feeding <c>r</c> with the input instead is the same function with the
/// weight matrix split differently. <c>h</c>, <c>c</c> start at zero, so the first read-out is the mean support embedding.</para>
/// <para>The model is a <see cref="Composite"/> with child <c>features</c> (images to <c>[N, D]</c>), plus
/// <c>support_lstm</c> (an <see cref="Lstm"/>, bidirectional, D to D) and <c>query_lstm</c> (an <see cref="LstmCell"/>,
/// 2D to D) for full-context embeddings (<see cref="OmniglotModel"/>). Support and query images go through the feature net
/// as one batch in training, as ProtoNet does; adapted models normalise queries with the support set's statistics.</para>
/// </remarks>
public sealed class MatchingNetworks : SupervisedMetaLearner
{
    private readonly Composite _model;

    /// <summary>Creates the learner over a composite with child <c>features</c> (and the two LSTMs for full-context embeddings).</summary>
    public MatchingNetworks(Composite model, MatchingNetworksOptions options, IGradientTransformation? outerOptimizer = null)
        : base(model, options, outerOptimizer ?? Checked(options).Outer.Create())
    {
        _ = model["features"];
        if (options.FullContextEmbeddings)
        {
            _ = (Lstm)model["support_lstm"];
            _ = (LstmCell)model["query_lstm"];
        }
        _model = model;
        Options = options;
    }

    /// <summary>The settings.</summary>
    public MatchingNetworksOptions Options { get; }

    /// <inheritdoc/>
    public override string Name => Options.FullContextEmbeddings ? "matching-fce" : "matching";

    /// <summary>
    /// The paper's Omniglot networks: four blocks of 3x3 convolution (<paramref name="hidden"/> channels), batch norm, ReLU
    /// and 2x2 max-pooling (28 -> 1), giving <paramref name="hidden"/>-dimensional embeddings; with
    /// <paramref name="fullContextEmbeddings"/> also the bidirectional support LSTM and the query attention LSTM.
    /// </summary>
    public static Composite OmniglotModel(Rng rng, int hidden = 64, bool fullContextEmbeddings = false, int channels = 1, int imageSize = 28, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Backbone convnet = channels == 1
            ? Backbones.OmniglotConvNet(2, rng, hidden: hidden, downsampling: ConvDownsampling.MaxPool, imageSize: imageSize, dtype: dtype)
            : Backbones.MiniImageNetConvNet(2, rng, hidden: hidden, channels: channels, imageSize: imageSize, dtype: dtype);
        var children = new List<(string, Module)> { ("features", new Sequential([("net", convnet.Features), ("flatten", new Flatten())])) };
        int dim = EmbeddingSize(convnet, channels, imageSize, dtype);
        if (fullContextEmbeddings)
        {
            children.Add(("support_lstm", new Lstm(dim, dim, rng, bidirectional: true, dtype: dtype)));
            children.Add(("query_lstm", new LstmCell(2 * dim, dim, rng, dtype: dtype)));
        }
        return new Composite(string.Create(CultureInfo.InvariantCulture,
            $"matchingnet(in={channels}, hidden={hidden}, {imageSize}x{imageSize}, fce={(fullContextEmbeddings ? "yes" : "no")})"), children);
    }

    /// <summary>
    /// Log-probabilities <c>[Q, ways]</c>: <c>log sum_i a(q, s_i) [y_i = c]</c>, with <c>a</c> the softmax over the support
    /// set of the scaled cosine similarities of <paramref name="queries"/> <c>[Q, D]</c> and <paramref name="support"/> <c>[S, D]</c>.
    /// </summary>
    public Tensor Logits(Tensor queries, Tensor support, int[] labels, int ways)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(labels);
        Tensor cosine = Normalize(queries).MatMul(Normalize(support).T) * Options.CosineScale;
        Tensor attention = cosine.Softmax(1);
        Tensor probabilities = attention.MatMul(Functional.OneHot(labels, ways, queries.DType));
        // Each class has at least one support sample and a cosine softmax weight is at least e^(-2 scale) / S, so the
        // probability is bounded away from zero and the log needs no clamp.
        return probabilities.Log();
    }

    /// <summary>The support embeddings <c>g(x_i, S)</c>: the feature net's, plus the bidirectional LSTM's outputs with full-context embeddings.</summary>
    public Tensor SupportEmbeddings(Tensor features, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (!Options.FullContextEmbeddings)
        {
            return features;
        }
        var lstm = (Lstm)_model["support_lstm"];
        int d = features.Shape[1];
        Tensor outputs = lstm.Run(features.Unsqueeze(1), null, parameters.Scope("support_lstm"), context).Output.Squeeze(1); // [S, 2D]
        return features + outputs.Slice(1, 0, d) + outputs.Slice(1, d, d);
    }

    /// <summary>The query embeddings <c>f(x, S)</c>: the feature net's, or K steps of the attention LSTM over <paramref name="support"/> with full-context embeddings.</summary>
    public Tensor QueryEmbeddings(Tensor features, Tensor support, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(support);
        if (!Options.FullContextEmbeddings)
        {
            return features;
        }
        var cell = (LstmCell)_model["query_lstm"];
        ParameterSet p = parameters.Scope("query_lstm");
        Tensor h = Tensor.Zeros(features.Shape.ToArray(), features.DType), c = h;
        for (int k = 0; k < Options.ProcessingSteps; k++)
        {
            Tensor readout = h.MatMul(support.T).Softmax(1).MatMul(support); // r = sum_i softmax(h . g_i) g_i
            (Tensor next, c) = cell.Step(Tensor.Concat([features, readout], 1), h, c, p, context);
            h = next + features;
        }
        return h;
    }

    /// <inheritdoc/>
    public override void Validate(ITask task)
    {
        FewShotTask t = RequireFewShot(task);
        if (!t.IsClassification)
        {
            throw new ArgumentException($"{Name}: matching networks classify; the task is a regression task.");
        }
        if (t.Queries == 0 || t.Shots == 0)
        {
            throw new ArgumentException($"{Name}: the task needs shots >= 1 and queries >= 1; got shots {t.Shots}, queries {t.Queries}.");
        }
    }

    /// <inheritdoc/>
    public override IAdaptedModel Adapt(LearnerState state, TaskSupport support, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(state);
        SupportSet s = RequireSupervised(support);
        if (s.Labels is null)
        {
            throw new ArgumentException($"{Name}: the support set has no labels; matching networks classify.");
        }
        ParameterSet parameters = state.Parameters.Detach();
        using (Autograd.NoGrad())
        {
            SupportStatistics? statistics = Model.Training ? new SupportStatistics() : null;
            ForwardContext context = Context(0, rng);
            Tensor g = SupportEmbeddings(_model.Run("features", s.Inputs, parameters, context with { Statistics = statistics }), parameters, context);
            return new MatchingClassifier(this, parameters, g, s.Labels, s.Ways, context, statistics?.Freeze());
        }
    }

    /// <inheritdoc/>
    protected override TaskResult RunTask(ParameterSet parameters, FewShotTask task, Rng rng)
    {
        ForwardContext context = Context(0, rng);
        int n = task.SupportInputs.Shape[0];
        Tensor all = _model.Run("features", Tensor.Concat([task.SupportInputs, task.QueryInputs]), parameters, context);
        Tensor g = SupportEmbeddings(all.Slice(0, 0, n), parameters, context);
        Tensor f = QueryEmbeddings(all.Slice(0, n, all.Shape[0] - n), g, parameters, context);
        Tensor logits = Logits(f, g, task.SupportLabels!, task.Ways);
        Tensor loss = Functional.CrossEntropy(logits, task.QueryLabels!);
        return Result(task, logits, loss, Autograd.Grad(loss, parameters.Tensors));
    }

    private static int EmbeddingSize(Backbone convnet, int channels, int imageSize, DType dtype)
    {
        using (Autograd.NoGrad())
        {
            return convnet.Embed(Tensor.Zeros([2, channels, imageSize, imageSize], dtype), convnet.Parameters, ForwardContext.Train).Flatten(1).Shape[1];
        }
    }

    private static Tensor Normalize(Tensor x) => x / (x.Square().Sum(1, keepDim: true) + 1e-12).Sqrt();

    private static MatchingNetworksOptions Checked(MatchingNetworksOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private sealed class MatchingClassifier(MatchingNetworks owner, ParameterSet parameters, Tensor support, int[] labels, int ways,
        ForwardContext context, SupportStatistics? statistics) : IClassifier, ITransductivePredictor
    {
        public int Ways => ways;

        public Tensor Predict(Tensor inputs) => Run(inputs, context with { Statistics = statistics });

        public Tensor PredictTransductive(Tensor inputs) => Run(inputs, context);

        private Tensor Run(Tensor inputs, ForwardContext c)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            using (Autograd.NoGrad())
            {
                Tensor f = owner.QueryEmbeddings(owner._model.Run("features", inputs, parameters, c), support, parameters, c);
                return owner.Logits(f, support, labels, ways);
            }
        }
    }
}

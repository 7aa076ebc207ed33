using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Optim;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// Prototypical networks (Snell, Swersky and Zemel 2017): embed the support set, take each class's mean embedding as
/// its prototype, and classify a query by a softmax over negative distances to the prototypes. Meta-training
/// minimises the query cross-entropy with Adam (<see cref="ProtoNetOptions.Outer"/>). No inner loop, so any number of
/// ways works, and training with more ways than testing (the paper's "higher way" training) needs nothing special.
/// </summary>
/// <remarks>
/// With a <see cref="Backbone"/> only its <see cref="Backbone.Features"/> are used and meta-learned (the head is
/// ignored and is not part of the meta-parameters); any other module is used whole as the embedding.
/// </remarks>
public sealed class ProtoNet : SupervisedMetaLearner
{
    private readonly Backbone? _backbone;

    /// <summary>Creates the learner over an embedding network.</summary>
    public ProtoNet(Module encoder, ProtoNetOptions options, IGradientTransformation? outerOptimizer = null)
        : base(encoder, options, outerOptimizer ?? Checked(options).Outer.Create())
    {
        Options = options;
        _backbone = encoder as Backbone;
    }

    /// <summary>The settings.</summary>
    public ProtoNetOptions Options { get; }

    /// <inheritdoc/>
    public override string Name => "protonet";

    /// <inheritdoc/>
    protected override ParameterSet InitialParameters()
        => _backbone is null ? Model.Parameters : Model.Parameters.Filter((n, _) => n.StartsWith("features.", StringComparison.Ordinal));

    /// <inheritdoc/>
    public override void Validate(ITask task)
    {
        FewShotTask t = RequireFewShot(task);
        if (!t.IsClassification)
        {
            throw new ArgumentException("protonet: prototypical networks classify; the task is a regression task.");
        }
        if (t.Queries == 0 || t.Shots == 0)
        {
            throw new ArgumentException($"protonet: the task needs shots >= 1 and queries >= 1; got shots {t.Shots}, queries {t.Queries}.");
        }
    }

    /// <summary>The mean embedding of each class: row <c>c</c> averages the rows of <paramref name="embeddings"/> labelled <c>c</c>.</summary>
    public static Tensor Prototypes(Tensor embeddings, int[] labels, int ways)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        if (embeddings.Rank != 2 || embeddings.Shape[0] != labels.Length)
        {
            throw new ArgumentException($"protonet: embeddings must be [N, D] with one label per row; got [{string.Join(", ", embeddings.Shape.ToArray())}] and {labels.Length} labels.");
        }
        // A [ways, N] averaging matrix keeps this one differentiable matmul, whatever the order of the rows.
        var counts = new int[ways];
        foreach (int l in labels)
        {
            if ((uint)l >= (uint)ways)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"protonet: label {l} is outside 0..{ways - 1}.");
            }
            counts[l]++;
        }
        var weights = new double[ways * labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            weights[labels[i] * labels.Length + i] = 1.0 / counts[labels[i]];
        }
        int empty = Array.IndexOf(counts, 0);
        if (empty >= 0)
        {
            throw new ArgumentException($"protonet: class {empty} has no support sample, so it has no prototype.");
        }
        return Tensor.FromArray(weights, ways, labels.Length).To(embeddings.DType).MatMul(embeddings);
    }

    /// <summary>Logits <c>[queries, ways]</c>: negative squared distances, or scaled cosine similarities.</summary>
    public Tensor Logits(Tensor queryEmbeddings, Tensor prototypes)
    {
        ArgumentNullException.ThrowIfNull(queryEmbeddings);
        ArgumentNullException.ThrowIfNull(prototypes);
        if (Options.Distance == PrototypeDistance.Cosine)
        {
            return Normalize(queryEmbeddings).MatMul(Normalize(prototypes).T) * Options.CosineScale;
        }
        // ||q - c||^2 = ||q||^2 - 2 q.c + ||c||^2, one matmul instead of a [Q, ways, D] difference tensor.
        Tensor qq = queryEmbeddings.Square().Sum(1, keepDim: true);
        Tensor cc = prototypes.Square().Sum(1, keepDim: true).T;
        return -(qq - 2.0 * queryEmbeddings.MatMul(prototypes.T) + cc);
    }

    /// <inheritdoc/>
    public override IAdaptedModel Adapt(LearnerState state, TaskSupport support, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(state);
        SupportSet s = RequireSupervised(support);
        if (s.Labels is null)
        {
            throw new ArgumentException("protonet: the support set has no labels; prototypical networks classify.");
        }
        ParameterSet parameters = state.Parameters.Detach();
        using (Autograd.NoGrad())
        {
            // In training mode the support embedding records each batch-norm layer's statistics, and queries are
            // normalised with them: a query's class does not depend on the other queries.
            SupportStatistics? statistics = Model.Training ? new SupportStatistics() : null;
            Tensor prototypes = Prototypes(Embed(s.Inputs, parameters, Context(0, rng) with { Statistics = statistics }), s.Labels, s.Ways);
            return new PrototypeClassifier(this, parameters, prototypes, rng, statistics?.Freeze());
        }
    }

    /// <inheritdoc/>
    protected override TaskResult RunTask(ParameterSet parameters, FewShotTask task, Rng rng)
    {
        // Support and query go through the encoder as one batch, as in the paper's code, so batch-norm statistics
        // are those of the whole episode.
        int n = task.SupportInputs.Shape[0];
        Tensor all = Embed(Tensor.Concat([task.SupportInputs, task.QueryInputs]), parameters, Context(0, rng));
        Tensor prototypes = Prototypes(all.Slice(0, 0, n), task.SupportLabels!, task.Ways);
        Tensor logits = Logits(all.Slice(0, n, all.Shape[0] - n), prototypes);
        Tensor loss = Functional.CrossEntropy(logits, task.QueryLabels!);
        return Result(task, logits, loss, Autograd.Grad(loss, parameters.Tensors));
    }

    private Tensor Embed(Tensor x, ParameterSet parameters, ForwardContext context)
    {
        Tensor e = _backbone is null ? Model.Forward(x, parameters, context) : _backbone.Embed(x, parameters, context);
        return e.Rank == 2 ? e : e.Flatten(1);
    }

    private static Tensor Normalize(Tensor x) => x / (x.Square().Sum(1, keepDim: true) + 1e-12).Sqrt();

    private static ProtoNetOptions Checked(ProtoNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private sealed class PrototypeClassifier(ProtoNet owner, ParameterSet parameters, Tensor prototypes, Rng rng, SupportStatistics? statistics)
        : IClassifier, ITransductivePredictor
    {
        public int Ways => prototypes.Shape[0];

        /// <summary>The class prototypes <c>[ways, D]</c>.</summary>
        public Tensor Prototypes => prototypes;

        public Tensor Predict(Tensor inputs) => Run(inputs, owner.Context(0, rng) with { Statistics = statistics });

        public Tensor PredictTransductive(Tensor inputs) => Run(inputs, owner.Context(0, rng));

        private Tensor Run(Tensor inputs, ForwardContext context)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            using (Autograd.NoGrad())
            {
                return owner.Logits(owner.Embed(inputs, parameters, context), prototypes);
            }
        }
    }
}

using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// Prototypical networks (Snell, Swersky and Zemel 2017): embed the support set, take each class's mean embedding as
/// its prototype, and classify a query by a softmax over negative distances to the prototypes. Meta-training
/// minimises the query cross-entropy. No inner loop, so any number of ways works, and training with more ways than
/// testing (the paper's "higher way" training) needs nothing special.
/// </summary>
/// <remarks>
/// With a <see cref="Backbone"/> only its <see cref="Backbone.Features"/> are used and meta-learned (the head is
/// ignored and is not part of <see cref="Parameters"/>); any other module is used whole as the embedding.
/// </remarks>
public sealed class ProtoNet : MetaLearnerBase
{
    private readonly Backbone? _backbone;

    /// <summary>Creates the learner over an embedding network.</summary>
    public ProtoNet(Module encoder, ProtoNetOptions options)
        : base(encoder, options)
    {
        Options = options;
        _backbone = encoder as Backbone;
    }

    /// <summary>The settings.</summary>
    public ProtoNetOptions Options { get; }

    /// <inheritdoc/>
    public override string Algorithm => "protonet";

    /// <inheritdoc/>
    public override ParameterSet Parameters
    {
        get => _backbone is null ? Model.Parameters : Model.Parameters.Filter((n, _) => n.StartsWith("features.", StringComparison.Ordinal));
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Parameters.RequireSameStructure("ProtoNet: setting Parameters", value);
            Model.Parameters = Sets.Merge(Model.Parameters, value);
        }
    }

    /// <inheritdoc/>
    public override void Validate(FewShotTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!task.IsClassification)
        {
            throw new ArgumentException("protonet: prototypical networks classify; the task is a regression task.");
        }
        if (task.Queries == 0 || task.Shots == 0)
        {
            throw new ArgumentException($"protonet: the task needs shots >= 1 and queries >= 1; got shots {task.Shots}, queries {task.Queries}.");
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
    public override IAdaptedModel Adapt(SupportSet support)
    {
        ArgumentNullException.ThrowIfNull(support);
        if (support.Labels is null)
        {
            throw new ArgumentException("protonet: the support set has no labels; prototypical networks classify.");
        }
        ParameterSet parameters = Parameters.Detach();
        using (Autograd.NoGrad())
        {
            Tensor prototypes = Prototypes(Embed(support.Inputs, parameters), support.Labels, support.Ways);
            return new PrototypeModel(this, parameters, prototypes);
        }
    }

    /// <inheritdoc/>
    protected override TaskOutcome RunTask(FewShotTask task, ParameterSet parameters)
    {
        // Support and query go through the encoder as one batch, as in the paper's code, so batch-norm statistics
        // are those of the whole episode.
        int n = task.SupportInputs.Shape[0];
        Tensor all = Embed(Tensor.Concat([task.SupportInputs, task.QueryInputs]), parameters);
        Tensor prototypes = Prototypes(all.Slice(0, 0, n), task.SupportLabels!, task.Ways);
        Tensor logits = Logits(all.Slice(0, n, all.Shape[0] - n), prototypes);
        Tensor loss = Functional.CrossEntropy(logits, task.QueryLabels!);
        return Outcome(task, logits, loss, Autograd.Grad(loss, parameters.Tensors));
    }

    private Tensor Embed(Tensor x, ParameterSet parameters)
    {
        Tensor e = _backbone is null ? Model.Forward(x, parameters, Context(0)) : _backbone.Embed(x, parameters, Context(0));
        return e.Rank == 2 ? e : e.Flatten(1);
    }

    private static Tensor Normalize(Tensor x) => x / (x.Square().Sum(1, keepDim: true) + 1e-12).Sqrt();

    private sealed class PrototypeModel(ProtoNet owner, ParameterSet parameters, Tensor prototypes) : IAdaptedModel
    {
        /// <summary>The class prototypes <c>[ways, D]</c>.</summary>
        public Tensor Prototypes => prototypes;

        public Tensor Predict(Tensor queryInputs)
        {
            using (Autograd.NoGrad())
            {
                return owner.Logits(owner.Embed(queryInputs, parameters), prototypes);
            }
        }
    }
}

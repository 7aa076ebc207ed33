using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Optim;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// Reptile (Nichol, Achiam and Schulman 2018): train on each task with a few steps of SGD or Adam to get
/// <c>phi_i</c>, then move the initialisation toward them, <c>theta &lt;- theta + epsilon * mean_i(phi_i - theta)</c>.
/// No second derivatives are taken.
/// </summary>
/// <remarks>
/// <para>To fit the <see cref="IMetaLearner"/> contract, <see cref="MetaLearnerBase.MetaStep"/> returns the pseudo-gradient
/// <c>theta - mean_i(phi_i)</c>; an outer SGD with learning rate epsilon then performs exactly the Reptile update.
/// The paper's linearly annealed meta step size is <see cref="OuterOptimizer"/>.</para>
/// <para>With <see cref="ReptileOptions.InnerBatchSize"/> set, inner step <c>s</c> trains on the <c>s</c>-th window of
/// that many support rows, cycling. The paper shuffles the support set into its mini-batches; here the rows are
/// ordered shot by shot (every class's first shot, then every class's second shot, ...), so the batches need no random
/// state, a task adapts the same way every time, and each batch holds the classes in equal numbers when the batch size
/// is a multiple of the ways. The reported loss is the query loss of the adapted weights, measured without a
/// graph.</para>
/// </remarks>
public sealed class Reptile : MetaLearnerBase
{
    private readonly IGradientTransformation _inner;

    /// <summary>Creates the learner.</summary>
    public Reptile(Module model, ReptileOptions options)
        : base(model, options)
    {
        Options = options;
        _inner = options.InnerOptimizer == ReptileInnerOptimizer.Adam
            ? Optimizers.Adam(options.InnerLearningRate, beta1: 0, beta2: options.InnerAdamBeta2)
            : Optimizers.Sgd(options.InnerLearningRate);
    }

    /// <summary>The settings.</summary>
    public ReptileOptions Options { get; }

    /// <inheritdoc/>
    public override string Algorithm => "reptile";

    /// <summary>
    /// The outer update of the paper: SGD on the pseudo-gradient with the meta step size annealed linearly from
    /// <paramref name="metaStepSize"/> to <paramref name="finalMetaStepSize"/> over <paramref name="steps"/> meta-steps.
    /// </summary>
    public static IGradientTransformation OuterOptimizer(double metaStepSize, double finalMetaStepSize, int steps)
        => Optimizers.Sgd(Schedule.Linear(metaStepSize, finalMetaStepSize, steps));

    /// <inheritdoc/>
    public override IAdaptedModel Adapt(SupportSet support)
    {
        ArgumentNullException.ThrowIfNull(support);
        RequireGradEnabled();
        return new FunctionalModel(Model, Train(Parameters, support, Options.TestInnerSteps), Context(0));
    }

    /// <inheritdoc/>
    protected override TaskOutcome RunTask(FewShotTask task, ParameterSet parameters)
    {
        ParameterSet adapted = Train(parameters, SupportSet.Of(task), Options.TrainInnerSteps);
        using (Autograd.NoGrad())
        {
            Tensor output = Model.Forward(task.QueryInputs, adapted, Context(0));
            Tensor loss = TaskObjective.QueryLoss(Algorithm, output, task);
            Tensor[] pseudoGradient = parameters.Tensors.Select((theta, i) => theta.Detach() - adapted.Tensors[i]).ToArray();
            return Outcome(task, output, loss, pseudoGradient);
        }
    }

    /// <summary>Plain training on the support set from <paramref name="start"/>; returns detached leaves.</summary>
    internal ParameterSet Train(ParameterSet start, SupportSet support, int steps)
    {
        ParameterSet p = start.AsLeaves();
        ParameterSet state = _inner.Init(p);
        int[]? order = InnerBatchOrder(support, Options.InnerBatchSize);
        for (int s = 0; s < steps; s++)
        {
            SupportSet batch = order is null ? support : InnerBatch(support, order, Options.InnerBatchSize, s);
            Tensor loss = TaskObjective.SupportLoss(Algorithm, Model.Forward(batch.Inputs, p, Context(0)), batch);
            Tensor[] g = Autograd.Grad(loss, p.Tensors);
            (p, state) = _inner.StepDetached(p, Sets.Build(p.Names, g), state);
        }
        return p.Detach();
    }

    /// <summary>
    /// The support rows in shot-major order (for classification: each label's first row, then each label's second
    /// row, ...), or null when every step uses the whole support set.
    /// </summary>
    internal static int[]? InnerBatchOrder(SupportSet support, int batchSize)
    {
        int rows = support.Inputs.Shape[0];
        if (batchSize == 0 || batchSize >= rows)
        {
            return null;
        }

        if (support.Labels is not int[] labels)
        {
            return Enumerable.Range(0, rows).ToArray();
        }

        List<int>[] byLabel = Enumerable.Range(0, support.Ways).Select(_ => new List<int>()).ToArray();
        for (int r = 0; r < rows; r++)
        {
            byLabel[labels[r]].Add(r);
        }

        int rounds = byLabel.Max(l => l.Count);
        return Enumerable.Range(0, rounds).SelectMany(k => byLabel.Where(l => k < l.Count).Select(l => l[k])).ToArray();
    }

    /// <summary>Inner step <paramref name="step"/>'s rows: the next <paramref name="batchSize"/> of <paramref name="order"/>, wrapping round.</summary>
    internal static SupportSet InnerBatch(SupportSet support, int[] order, int batchSize, int step)
    {
        var rows = new int[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            rows[i] = order[(int)(((long)step * batchSize + i) % order.Length)];
        }

        return new SupportSet(
            support.Inputs.IndexSelect(0, rows),
            support.Labels is int[] labels ? rows.Select(r => labels[r]).ToArray() : null,
            support.Targets?.IndexSelect(0, rows),
            support.Ways);
    }
}

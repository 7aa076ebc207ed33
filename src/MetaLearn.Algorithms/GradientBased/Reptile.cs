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
/// <para>The learner owns its update: each task contributes its pseudo-gradient <c>theta - phi_i</c>, and the outer
/// optimizer is SGD with the meta step size epsilon (<see cref="ReptileOptions.MetaStepSize"/>, linearly annealed to
/// <see cref="ReptileOptions.FinalMetaStepSize"/> over <see cref="ReptileOptions.AnnealSteps"/> as in the paper), which
/// performs exactly the Reptile update on their mean.</para>
/// <para>With <see cref="ReptileOptions.InnerBatchSize"/> set, inner step <c>s</c> trains on the <c>s</c>-th window of
/// that many support rows, cycling. The paper shuffles the support set into its mini-batches; here the rows are
/// ordered shot by shot (every class's first shot, then every class's second shot, ...), so the batches need no random
/// state, a task adapts the same way every time, and each batch holds the classes in equal numbers when the batch size
/// is a multiple of the ways. The reported loss is the query loss of the adapted weights, measured without a
/// graph.</para>
/// </remarks>
public sealed class Reptile : SupervisedMetaLearner
{
    private readonly IGradientTransformation _inner;

    /// <summary>Creates the learner; the outer optimizer is <paramref name="outerOptimizer"/>, else the annealed SGD the options describe.</summary>
    public Reptile(Module model, ReptileOptions options, IGradientTransformation? outerOptimizer = null)
        : base(model, options, outerOptimizer ?? Checked(options).CreateOuterOptimizer())
    {
        Options = options;
        _inner = options.InnerOptimizer == ReptileInnerOptimizer.Adam
            ? Optimizers.Adam(options.InnerLearningRate, beta1: 0, beta2: options.InnerAdamBeta2)
            : Optimizers.Sgd(options.InnerLearningRate);
    }

    /// <summary>The settings.</summary>
    public ReptileOptions Options { get; }

    /// <inheritdoc/>
    public override string Name => "reptile";

    /// <inheritdoc/>
    public override IAdaptedModel Adapt(LearnerState state, TaskSupport support, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(state);
        SupportSet s = RequireSupervised(support);
        RequireGradEnabled();
        return AdaptedNetwork.Create(Model, Train(state.Parameters, s, Options.TestInnerSteps, rng), Context(0, rng), s.Inputs, s.Ways);
    }

    /// <inheritdoc/>
    protected override TaskResult RunTask(ParameterSet parameters, FewShotTask task, Rng rng)
    {
        ParameterSet adapted = Train(parameters, task.Support, Options.TrainInnerSteps, rng);
        using (Autograd.NoGrad())
        {
            Tensor output = Model.Forward(task.QueryInputs, adapted, Context(0, rng));
            Tensor loss = SupervisedObjective.QueryLoss(Name, output, task);
            Tensor[] pseudoGradient = parameters.Tensors.Select((theta, i) => theta.Detach() - adapted.Tensors[i]).ToArray();
            return Result(task, output, loss, pseudoGradient);
        }
    }

    /// <summary>Plain training on the support set from <paramref name="start"/>; returns detached leaves.</summary>
    internal ParameterSet Train(ParameterSet start, SupportSet support, int steps, Rng rng)
    {
        ParameterSet p = start.AsLeaves();
        ParameterSet state = _inner.Init(p);
        int[]? order = InnerBatchOrder(support, Options.InnerBatchSize);
        for (int s = 0; s < steps; s++)
        {
            SupportSet batch = order is null ? support : InnerBatch(support, order, Options.InnerBatchSize, s);
            Tensor loss = SupervisedObjective.SupportLoss(Name, Model.Forward(batch.Inputs, p, Context(0, rng)), batch);
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

    private static ReptileOptions Checked(ReptileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }
}

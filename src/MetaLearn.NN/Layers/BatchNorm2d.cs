using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// Batch normalisation of <c>[N, C, H, W]</c> over N, H and W (<see cref="Functional.BatchNorm"/>), with an explicit
/// <see cref="BatchNormMode"/>. Parameters <c>weight</c> (ones) and <c>bias</c> (zeros); buffers <c>running_mean</c>
/// and <c>running_var</c> (per-step modes: <c>running_mean.{step}</c>, <c>running_var.{step}</c>).
/// </summary>
/// <remarks>
/// Updating running statistics is the one side effect of a forward pass. Updates are serialised with a lock, so
/// concurrent tasks cannot corrupt them, but their order (and so the running averages) then depends on thread
/// timing; use <see cref="BatchNormMode.BatchStatistics"/> when a run must be bit-reproducible across core counts.
/// </remarks>
public sealed class BatchNorm2d : Module
{
    private readonly BatchNormStatistics[] _statistics;

    /// <summary>Creates the layer.</summary>
    /// <param name="channels">Number of channels C.</param>
    /// <param name="mode">Which statistics to normalise with.</param>
    /// <param name="steps">Number of inner-loop steps with their own statistics (only for <see cref="BatchNormMode.PerStepStatistics"/>).</param>
    /// <param name="momentum">Weight of the newest batch in the running averages (PyTorch's default 0.1).</param>
    /// <param name="eps">Added to the variance before the square root.</param>
    /// <param name="affine">Whether to learn a per-channel scale and shift.</param>
    /// <param name="dtype">Element type of parameters and statistics.</param>
    public BatchNorm2d(int channels, BatchNormMode mode, int steps = 1, double momentum = 0.1, double eps = 1e-5, bool affine = true, DType dtype = DType.Float32)
    {
        if (channels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), $"BatchNorm2d: channels must be positive; got {channels}.");
        }
        if (steps < 1 || (steps > 1 && mode != BatchNormMode.PerStepStatistics))
        {
            throw new ArgumentOutOfRangeException(nameof(steps),
                $"BatchNorm2d: steps = {steps} is only meaningful (and must be >= 1) with BatchNormMode.PerStepStatistics; mode is {mode}.");
        }
        if (!(eps > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), $"BatchNorm2d: eps must be positive; got {eps}.");
        }
        Channels = channels;
        Mode = mode;
        Eps = eps;
        Affine = affine;
        int tracked = mode switch { BatchNormMode.BatchStatistics => 0, BatchNormMode.RunningStatistics => 1, _ => steps };
        _statistics = Enumerable.Range(0, tracked).Select(_ => new BatchNormStatistics(channels, dtype, momentum)).ToArray();
        if (affine)
        {
            OwnParameters = ParameterSet.Of(("weight", Tensor.Ones([channels], dtype)), ("bias", Tensor.Zeros([channels], dtype))).AsLeaves();
        }
    }

    /// <summary>Number of channels.</summary>
    public int Channels { get; }

    /// <summary>Which statistics the layer normalises with.</summary>
    public BatchNormMode Mode { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }

    /// <summary>Whether the layer has a learned scale and shift.</summary>
    public bool Affine { get; }

    /// <summary>The running statistics (none for <see cref="BatchNormMode.BatchStatistics"/>, one per step for per-step mode).</summary>
    public IReadOnlyList<BatchNormStatistics> Statistics => _statistics;

    /// <inheritdoc/>
    public override string Label => $"BatchNorm2d({Channels}, {Mode}{(_statistics.Length > 1 ? $", {_statistics.Length} steps" : "")})";

    /// <inheritdoc/>
    protected override ParameterSet OwnBuffers
    {
        get
        {
            var entries = new List<(string, Tensor)>();
            for (int s = 0; s < _statistics.Length; s++)
            {
                string suffix = Mode == BatchNormMode.PerStepStatistics ? $".{s}" : "";
                entries.Add(("running_mean" + suffix, _statistics[s].Mean));
                entries.Add(("running_var" + suffix, _statistics[s].Variance));
            }
            return ParameterSet.Of([.. entries]);
        }
        set
        {
            for (int s = 0; s < _statistics.Length; s++)
            {
                string suffix = Mode == BatchNormMode.PerStepStatistics ? $".{s}" : "";
                lock (_statistics[s])
                {
                    _statistics[s].Mean = value["running_mean" + suffix].Detach();
                    _statistics[s].Variance = value["running_var" + suffix].Detach();
                }
            }
        }
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context)
    {
        (Tensor? weight, Tensor? bias) = Affinity(x, parameters, context);
        if (context.Statistics is { } support && (Mode == BatchNormMode.BatchStatistics || context.Training))
        {
            // Support statistics: recorded from the support set, then used for every query (see SupportStatistics).
            if (support.Frozen)
            {
                return Functional.BatchNorm(x, weight, bias, support.Recorded(this, context.Step), training: false, Eps);
            }
            (Tensor y, Tensor mean, Tensor variance) = Functional.BatchNormWithStatistics(x, weight, bias, Eps);
            support.Record(this, context.Step, mean, variance);
            return y;
        }
        if (Mode == BatchNormMode.BatchStatistics)
        {
            return Functional.BatchNorm(x, weight, bias, statistics: null, training: true, Eps);
        }
        int step = Mode == BatchNormMode.RunningStatistics ? 0 : context.Step;
        if ((uint)step >= (uint)_statistics.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(context),
                $"{Label}: inner-loop step {context.Step} has no statistics; this layer keeps {_statistics.Length} (steps 0..{_statistics.Length - 1}). " +
                "Construct it with more steps.");
        }
        BatchNormStatistics stats = _statistics[step];
        if (!context.Training)
        {
            return Functional.BatchNorm(x, weight, bias, stats, training: false, Eps);
        }
        lock (stats)
        {
            return Functional.BatchNorm(x, weight, bias, stats, training: true, Eps);
        }
    }

    /// <summary>
    /// <c>Relu(MaxPool2d(Forward(x), 2))</c> as one op (<see cref="Functional.BatchNormMaxPoolRelu"/>), which
    /// <see cref="Sequential"/> runs in place of this layer and the two after it. Only batch statistics: the other modes
    /// update running statistics as a side effect.
    /// </summary>
    internal Tensor ForwardMaxPoolRelu(Tensor x, ParameterSet parameters, ForwardContext context)
    {
        (Tensor? weight, Tensor? bias) = Affinity(x, parameters, context);
        return Functional.BatchNormMaxPoolRelu(x, weight, bias, Eps);
    }

    private (Tensor? Weight, Tensor? Bias) Affinity(Tensor x, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(context);
        if (x.Rank != 4 || x.Shape[1] != Channels)
        {
            throw new ArgumentException($"{Label}: input must be [N, {Channels}, H, W]; got [{string.Join(", ", x.Shape.ToArray())}].");
        }
        return Affine ? (Require(parameters, "weight"), Require(parameters, "bias")) : (null, null);
    }
}

using MetaLearn.Kernels;
using MetaLearn.Tensors.Ops;

namespace MetaLearn.Tensors.Tests.Autodiff;

/// <summary>One differentiable computation with float64 inputs, checked to first and second order.</summary>
public sealed record GradCase(string Name, Func<Tensor[], Tensor> F, Func<Tensor[]> Inputs);

/// <summary>
/// The table of gradient-check cases. <see cref="PrimitiveCoverageTests"/> fails when a primitive
/// (a <c>Function</c> subclass) appears in no case, so a new primitive cannot land without its checks.
/// </summary>
public static class GradCheckCases
{
    private static Tensor R(int seed, params int[] shape) => Tensor.Normal(new Rng((ulong)seed), shape, dtype: DType.Float64);

    private static Tensor Positive(int seed, params int[] shape) => Tensor.Uniform(new Rng((ulong)seed), shape, 0.5, 2.0, DType.Float64);

    /// <summary>Values at least 0.2 away from 0, where abs/relu/step have their kink.</summary>
    private static Tensor AwayFromZero(int seed, params int[] shape)
    {
        var rng = new Rng((ulong)seed);
        double[] v = new double[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = rng.NextDouble(0.2, 2.0) * (rng.NextDouble() < 0.5 ? -1 : 1);
        }
        return Tensor.FromArray(v, shape);
    }

    /// <summary>Distinct values (spaced at least 0.1 apart), so max/min have no ties.</summary>
    private static Tensor Distinct(int seed, params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        int[] order = new Rng((ulong)seed).Choose(n, n);
        return Tensor.FromArray(order.Select(i => 0.1 * i - 0.05 * n + 0.013 * i * i / n).ToArray(), shape);
    }

    private static Tensor Mask(params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        return Tensor.FromArray(Enumerable.Range(0, n).Select(i => (double)((i * 7 + 3) % 3 == 0 ? 1 : 0)).ToArray(), shape);
    }

    public static readonly GradCase[] All =
    [
        // Elementwise, binary (with broadcasting).
        new("add", x => x[0] + x[1], () => [R(1, 3, 4), R(2, 3, 4)]),
        new("add broadcast [2,1,3]+[4,1]", x => x[0] + x[1], () => [R(1, 2, 1, 3), R(2, 4, 1)]),
        new("sub broadcast [3,4]-[4]", x => x[0] - x[1], () => [R(3, 3, 4), R(4, 4)]),
        new("mul", x => x[0] * x[1], () => [R(5, 2, 3), R(6, 2, 3)]),
        new("mul broadcast [2,3,1]*[1,4]", x => x[0] * x[1], () => [R(5, 2, 3, 1), R(6, 1, 4)]),
        new("div broadcast", x => x[0] / x[1], () => [R(7, 2, 3), Positive(8, 3)]),
        new("pow tensor broadcast", x => x[0].Pow(x[1]), () => [Positive(9, 2, 3), R(10, 3)]),
        new("pow scalar 3", x => x[0].Pow(3), () => [R(11, 5)]),
        new("pow scalar 0.5", x => x[0].Pow(0.5), () => [Positive(12, 5)]),
        new("square", x => x[0].Square(), () => [R(13, 4)]),
        new("scalar operators", x => (2.0 - x[0]) * 3.0 / (x[0] + 4.0) - 1.0 / (x[0] * x[0] + 1.0), () => [R(14, 5)]),
        new("where broadcast", x => Tensor.Where(Mask(3, 1), x[0], x[1]), () => [R(15, 3, 4), R(16, 4)]),
        new("maximum", x => x[0].Maximum(x[1]), () => [Distinct(17, 6), Distinct(18, 6) * 0.9 + 0.01]),
        new("minimum broadcast", x => x[0].Minimum(x[1]), () => [Distinct(19, 2, 3), Distinct(20, 3) * 1.1 + 0.02]),

        // Elementwise, unary.
        new("neg", x => -x[0], () => [R(21, 4)]),
        new("exp", x => x[0].Exp(), () => [R(22, 2, 3)]),
        new("log", x => x[0].Log(), () => [Positive(23, 2, 3)]),
        new("sqrt", x => x[0].Sqrt(), () => [Positive(24, 5)]),
        new("sin", x => x[0].Sin(), () => [R(30, 6) * 2.0]),
        new("cos", x => x[0].Cos() * x[0], () => [R(120, 6) * 2.0]),
        new("abs", x => x[0].Abs() * x[0], () => [AwayFromZero(25, 6)]),
        new("relu", x => x[0].Relu() * x[0], () => [AwayFromZero(26, 6)]),
        new("relu_backward (fused mask)", x => ReluMask.Apply(x[0], AwayFromZero(121, 6)).Square(), () => [R(122, 6)]),
        new("sigmoid", x => x[0].Sigmoid(), () => [R(27, 6)]),
        new("tanh", x => x[0].Tanh(), () => [R(28, 6)]),
        new("softplus", x => x[0].Softplus(), () => [R(29, 6) * 3.0]),

        // Reductions.
        new("sum all", x => x[0].Sum() * x[0].Sum(), () => [R(31, 2, 3)]),
        new("sum dim keepdim", x => x[0].Sum(1, keepDim: true) * x[0], () => [R(32, 2, 3, 2)]),
        new("sum dims", x => x[0].Sum([0, 2]).Square(), () => [R(33, 2, 3, 2)]),
        new("mean", x => x[0].Mean(-1).Exp(), () => [R(34, 3, 4)]),
        new("max dim", x => x[0].Max(1) * x[0].Max(1), () => [Distinct(35, 3, 4)]),
        new("max all", x => x[0].Max().Square(), () => [Distinct(36, 2, 3)]),
        new("min dim keepdim", x => x[0].Min(0, keepDim: true).Exp(), () => [Distinct(37, 3, 2)]),
        new("logsumexp", x => x[0].LogSumExp(1), () => [R(38, 3, 4)]),
        new("softmax", x => x[0].Softmax(-1), () => [R(39, 2, 5)]),
        new("log_softmax", x => x[0].LogSoftmax(0), () => [R(40, 4, 3)]),

        // Movement.
        new("reshape", x => x[0].Reshape(3, -1).Exp(), () => [R(41, 2, 6)]),
        new("permute", x => x[0].Permute(2, 0, 1) * R(42, 4, 2, 3), () => [R(43, 2, 3, 4)]),
        new("transpose", x => x[0].T.MatMul(x[0]), () => [R(44, 3, 2)]),
        new("expand", x => x[0].Expand(2, 3, 4) * R(45, 2, 3, 4), () => [R(46, 3, 1)]),
        new("unsqueeze squeeze", x => x[0].Unsqueeze(1).Squeeze(1).Square(), () => [R(47, 3, 2)]),
        new("slice", x => x[0].Slice(1, 1, 2).Square(), () => [R(48, 2, 4, 3)]),
        new("pad (slice adjoint)", x => Pad.Apply(x[0], 1, 1, 5).Square(), () => [R(49, 2, 3)]),
        new("concat", x => Tensor.Concat([x[0], x[1].Square()], 1), () => [R(50, 2, 3), R(51, 2, 2)]),
        new("stack", x => Tensor.Stack([x[0], x[1] * x[0]], 0), () => [R(52, 3), R(53, 3)]),
        new("index_select", x => x[0].IndexSelect(0, 2, 0, 2).Square(), () => [R(54, 3, 2)]),
        new("gather", x => x[0].Gather(1, [2, 0, 1, 1, 0, 2], 3, 2).Exp(), () => [R(55, 3, 3)]),
        new("scatter_add (gather adjoint)", x => ScatterAdd.Apply(x[0], 1, Positions.Of([2, 0, 1, 1, 0, 2]), [3, 3]).Square(), () => [R(56, 3, 2)]),

        // Linear algebra.
        new("matmul", x => x[0].MatMul(x[1]), () => [R(61, 3, 4), R(62, 4, 2)]),
        new("matmul batched broadcast", x => x[0].MatMul(x[1]).Square(), () => [R(63, 2, 3, 4), R(64, 4, 5)]),
        new("matmul transposed A", x => MatMul.Apply(x[0], x[1], true, false).Square(), () => [R(65, 4, 3), R(66, 4, 2)]),
        new("matmul transposed B", x => MatMul.Apply(x[0], x[1], false, true).Square(), () => [R(67, 3, 4), R(68, 2, 4)]),
        new("matmul transposed both batched", x => MatMul.Apply(x[0], x[1], true, true).Square(), () => [R(69, 2, 4, 3), R(70, 2, 2, 4)]),
        new("linear", x => Functional.Linear(x[0], x[1], x[2]).Tanh(), () => [R(71, 4, 3), R(72, 2, 3), R(73, 2)]),

        // Convolution and pooling.
        new("conv2d pad 1", x => Functional.Conv2d(x[0], x[1], x[2], padding: 1).Square(), () => [R(81, 2, 2, 4, 4), R(82, 3, 2, 3, 3), R(83, 3)]),
        new("conv2d stride 2", x => Functional.Conv2d(x[0], x[1], stride: 2).Tanh(), () => [R(84, 1, 2, 5, 5), R(85, 2, 2, 3, 3)]),
        new("conv2d pad 0 (the centre of the same conv)", x => Functional.Conv2d(x[0], x[1], x[2]).Square(), () => [R(86, 2, 2, 5, 8), R(87, 3, 2, 3, 3), R(88, 3)]),
        new("conv2d_input_grad", x => Conv2dInputGrad.Apply(x[0], x[1], new WindowGeometry(2, 2, 4, 4, 3, 3, 1, 1)).Square(), () => [R(123, 2, 3, 4, 4), R(124, 3, 2, 3, 3)]),
        new("conv_transpose2d stride 2, output padding 1", x => Functional.ConvTranspose2d(x[0], x[1], x[2], stride: 2, padding: 1, outputPadding: 1).Tanh(),
            () => [R(127, 2, 3, 3, 3), R(128, 3, 2, 3, 3), R(129, 2)]),
        new("conv_transpose2d 4x4 stride 2", x => Functional.ConvTranspose2d(x[0], x[1], stride: 2, padding: 1).Square(), () => [R(130, 1, 2, 3, 3), R(131, 2, 3, 4, 4)]),
        new("conv2d_weight_grad", x => Conv2dWeightGrad.Apply(x[0], x[1], new WindowGeometry(2, 2, 5, 5, 3, 3, 2, 1)).Square(), () => [R(125, 2, 2, 5, 5), R(126, 2, 3, 3, 3)]),
        new("im2col", x => Im2Col.Apply(x[0], new WindowGeometry(1, 2, 3, 3, 2, 2, 1, 1)).Square(), () => [R(86, 1, 2, 3, 3)]),
        new("col2im (im2col adjoint)", x => Col2Im.Apply(x[0], new WindowGeometry(1, 2, 3, 3, 2, 2, 1, 1)).Square(), () => [R(87, 8, 16)]),
        new("max_pool2d", x => Functional.MaxPool2d(x[0], 2).Square(), () => [Distinct(88, 2, 2, 4, 5)]),
        new("avg_pool2d pad 1 stride 2", x => Functional.AvgPool2d(x[0], 3, 2, 1).Square(), () => [R(89, 1, 2, 5, 5)]),

        // Normalisation, dropout.
        new("batch_norm 4d", x => Functional.BatchNorm(x[0], x[1], x[2]).Square(), () => [R(91, 3, 2, 2, 2), R(92, 2), R(93, 2)]),
        new("batch_norm weight only", x => Functional.BatchNorm(x[0], x[1]).Exp(), () => [R(127, 4, 2, 1, 3), R(128, 2)]),
        new("batch_norm 2d", x => Functional.BatchNorm(x[0]).Tanh(), () => [R(94, 4, 3)]),
        new("batch_norm_input_grad", x => BatchNormGradOps.InputGrad(x[0], x[1], x[2]).Square(), () => [R(129, 3, 2, 2, 2), R(130, 3, 2, 2, 2), R(131, 2)]),
        new("batch_norm_input_grad 2d", x => BatchNormGradOps.InputGrad(x[0], x[1], x[2]).Tanh(), () => [R(132, 5, 3), R(133, 5, 3), R(134, 3)]),
        new("batch_norm_weight_grad", x => BatchNormGradOps.WeightGrad(x[0], x[1]).Square(), () => [R(135, 3, 2, 2, 2), R(136, 3, 2, 2, 2)]),
        new("batch_norm_max_pool_relu", x => Functional.BatchNormMaxPoolRelu(x[0], x[1], x[2]).Square(), () => [Distinct(137, 3, 2, 4, 5), R(138, 2), R(139, 2)]),
        new("batch_norm_max_pool_relu weight only", x => Functional.BatchNormMaxPoolRelu(x[0], x[1]).Exp(), () => [Distinct(140, 2, 3, 5, 4), Positive(141, 3)]),
        new("batch_norm eval", x => Functional.BatchNorm(x[0], x[1], null, EvalStatistics(), training: false).Square(), () => [R(95, 2, 2, 2, 2), R(96, 2)]),
        new("dropout", x => Functional.Dropout(x[0], 0.4, new Rng(97)).Square(), () => [R(98, 10)]),

        // Losses.
        new("cross_entropy", x => Functional.CrossEntropy(x[0], [2, 0, 1, 2]), () => [R(101, 4, 3)]),
        new("mse_loss", x => Functional.MseLoss(x[0], x[1]), () => [R(102, 5), R(103, 5)]),
        new("bce_with_logits", x => Functional.BinaryCrossEntropyWithLogits(x[0], x[1], Reduction.Sum), () => [R(104, 6) * 3.0, Tensor.Uniform(new Rng(105), [6], 0, 1, DType.Float64)]),
        new("gaussian_kl", x => Functional.GaussianKlToStandardNormal(x[0], x[1]), () => [R(106, 3, 2), R(107, 3, 2)]),
    ];

    private static BatchNormStatistics EvalStatistics()
    {
        var s = new BatchNormStatistics(2, DType.Float64)
        {
            Mean = Tensor.FromArray([0.3, -0.2]),
            Variance = Tensor.FromArray([1.5, 0.7]),
        };
        return s;
    }

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (GradCase c in All)
        {
            data.Add(c.Name);
        }
        return data;
    }

    public static GradCase Get(string name) => All.Single(c => c.Name == name);
}

namespace MetaLearn.Tensors.Tests.Golden;

/// <summary>
/// MetaLearn's side of every golden case: the same computation generate_golden.py runs in PyTorch, keyed by the
/// case's <c>op</c>. Returns the outputs by the names the generator stored them under (<c>out</c> first).
/// </summary>
public static class GoldenOps
{
    public static Dictionary<string, Tensor> Run(GoldenCase c, IReadOnlyDictionary<string, Tensor> t, DType dtype)
    {
        Tensor x = t.GetValueOrDefault("x")!, a = t.GetValueOrDefault("a")!, b = t.GetValueOrDefault("b")!;
        Tensor? Optional(string name) => t.GetValueOrDefault(name);
        return c.Op switch
        {
            "neg" => Out(-x),
            "exp" => Out(x.Exp()),
            "log" => Out(x.Log()),
            "sqrt" => Out(x.Sqrt()),
            "abs" => Out(x.Abs()),
            "relu" => Out(x.Relu()),
            "sigmoid" => Out(x.Sigmoid()),
            "tanh" => Out(x.Tanh()),
            "softplus" => Out(x.Softplus()),
            "square" => Out(x.Square()),
            "pow_scalar" => Out(x.Pow(c.Double("exponent"))),
            "pow" => Out(a.Pow(b)),

            "add" => Out(a + b),
            "sub" => Out(a - b),
            "mul" => Out(a * b),
            "div" => Out(a / b),
            "maximum" => Out(a.Maximum(b)),
            "minimum" => Out(a.Minimum(b)),
            "add_scalar" => Out(x + c.Double("c")),
            "rsub_scalar" => Out(c.Double("c") - x),
            "mul_scalar" => Out(x * c.Double("c")),
            "div_scalar" => Out(x / c.Double("c")),
            "rdiv_scalar" => Out(c.Double("c") / x),
            "where" => Out(Tensor.Where(t["c"].Greater(0.0), a, b)),
            "greater" => Out(a.Greater(b)),
            "greater_equal" => Out(a.GreaterOrEqual(b)),
            "less" => Out(a.Less(b)),
            "less_equal" => Out(a.LessOrEqual(b)),
            "equal" => Out(a.EqualTo(b)),

            "sum" => Out(c.IntsOrNull("dims") is int[] dims ? x.Sum(dims, c.Bool("keepdim")) : x.Sum()),
            "mean" => Out(c.IntsOrNull("dims") is int[] dims ? x.Mean(dims, c.Bool("keepdim")) : x.Mean()),
            "max" => Out(c.IntOrNull("dim") is int dim ? x.Max(dim, c.Bool("keepdim")) : x.Max()),
            "min" => Out(c.IntOrNull("dim") is int dim ? x.Min(dim, c.Bool("keepdim")) : x.Min()),
            "argmax" => Out(ArgMax(x, c.Int("dim"))),
            "logsumexp" => Out(x.LogSumExp(c.Int("dim"), c.Bool("keepdim"))),
            "softmax" => Out(x.Softmax(c.Int("dim"))),
            "log_softmax" => Out(x.LogSoftmax(c.Int("dim"))),

            "reshape" => Out(x.Reshape(c.Ints("shape"))),
            "permute" => Out(x.Permute(c.Ints("perm"))),
            "transpose" => Out(x.Transpose(c.Int("dim0"), c.Int("dim1"))),
            "expand" => Out(x.Expand(c.Ints("shape"))),
            "slice" => Out(x.Slice(c.Int("dim"), c.Int("start"), c.Int("length"))),
            "concat" => Out(Tensor.Concat([a, b, t["c"]], c.Int("dim"))),
            "stack" => Out(Tensor.Stack([a, b, t["c"]], c.Int("dim"))),
            "index_select" => Out(x.IndexSelect(c.Int("dim"), c.Ints("indices"))),
            "gather" => Out(x.Gather(c.Int("dim"), c.Ints("index"), c.Ints("index_shape"))),

            "matmul" => Out(a.MatMul(b)),
            "linear" => Out(Functional.Linear(x, t["weight"], Optional("bias"))),
            "conv2d" => Out(Functional.Conv2d(x, t["weight"], Optional("bias"), c.Int("stride"), c.Int("padding"))),
            "conv_transpose2d" => Out(Functional.ConvTranspose2d(x, t["weight"], Optional("bias"), c.Int("stride"), c.Int("padding"), c.Int("output_padding"))),
            "max_pool2d" => Out(Functional.MaxPool2d(x, c.Int("kernel"), c.Int("stride"))),
            "avg_pool2d" => Out(Functional.AvgPool2d(x, c.Int("kernel"), c.Int("stride"), c.Int("padding"))),
            "batch_norm" => BatchNorm(c, t, dtype),

            "cross_entropy" => Out(Functional.CrossEntropy(t["logits"], c.Ints("labels"), c.Reduction)),
            "mse_loss" => Out(Functional.MseLoss(t["prediction"], t["target"], c.Reduction)),
            "bce_with_logits" => Out(Functional.BinaryCrossEntropyWithLogits(t["logits"], t["target"], c.Reduction)),
            "gaussian_kl" => Out(Functional.GaussianKlToStandardNormal(t["mean"], t["log_variance"], c.Reduction)),
            "one_hot" => Out(Functional.OneHot(c.Ints("labels"), c.Int("classes"), dtype)),

            "chain_conv_bn_relu_pool" => Out(Functional.MaxPool2d(
                Functional.BatchNorm(Functional.Conv2d(x, t["weight"], t["bias"], padding: 1), t["gamma"], t["beta"]).Relu(), 2)),
            "mlp_cross_entropy" => Mlp(c, t),
            "vae_loss" => Out(VaeLoss(t)),
            "maml_convnet" => MamlConvnet(c, t),
            _ => throw new InvalidDataException($"golden case '{c.Name}': no MetaLearn implementation for op '{c.Op}'."),
        };
    }

    private static Dictionary<string, Tensor> Out(Tensor y) => new() { ["out"] = y };

    private static Tensor ArgMax(Tensor x, int dim)
    {
        int[] index = x.ArgMax(dim);
        int[] shape = x.Shape.ToArray().Where((_, d) => d != dim).ToArray();
        return Tensor.FromArray(index.Select(i => (double)i).ToArray(), shape).To(x.DType);
    }

    private static Dictionary<string, Tensor> BatchNorm(GoldenCase c, IReadOnlyDictionary<string, Tensor> t, DType dtype)
    {
        Tensor x = t["x"];
        BatchNormStatistics? stats = null;
        if (t.TryGetValue("running_mean", out Tensor? mean))
        {
            stats = new BatchNormStatistics(x.Shape[1], dtype, c.Double("momentum")) { Mean = mean, Variance = t["running_var"] };
        }
        bool training = c.Bool("training");
        Tensor y = Functional.BatchNorm(x, t.GetValueOrDefault("weight"), t.GetValueOrDefault("bias"), stats, training, c.Double("eps"));
        var result = new Dictionary<string, Tensor> { ["out"] = y };
        if (stats is not null && training)
        {
            result["running_mean"] = stats.Mean;
            result["running_var"] = stats.Variance;
        }
        return result;
    }

    private static Dictionary<string, Tensor> Mlp(GoldenCase c, IReadOnlyDictionary<string, Tensor> t)
    {
        Tensor h = Functional.Linear(t["x"], t["w1"], t["b1"]).Tanh();
        h = Functional.Linear(h, t["w2"], t["b2"]).Relu();
        Tensor logits = Functional.Linear(h, t["w3"], t["b3"]);
        return new() { ["out"] = Functional.CrossEntropy(logits, c.Ints("labels")), ["logits"] = logits };
    }

    private static Tensor VaeLoss(IReadOnlyDictionary<string, Tensor> t)
    {
        Tensor mean = t["mean"], logVariance = t["log_variance"];
        Tensor z = mean + (logVariance * 0.5).Exp() * t["noise"];
        Tensor reconstruction = Functional.Linear(z, t["w"], t["b"]).Sigmoid();
        return Functional.MseLoss(reconstruction, t["target"]) + 0.1 * Functional.GaussianKlToStandardNormal(mean, logVariance);
    }

    /// <summary>The MAML Omniglot backbone: 4 x [conv3x3 + batch norm (batch statistics) + ReLU + maxpool 2], then a linear head.</summary>
    private static Dictionary<string, Tensor> MamlConvnet(GoldenCase c, IReadOnlyDictionary<string, Tensor> t)
    {
        Tensor h = t["x"];
        for (int layer = 0; layer < 4; layer++)
        {
            h = Functional.Conv2d(h, t[$"conv{layer}.weight"], t[$"conv{layer}.bias"], padding: 1);
            h = Functional.BatchNorm(h, t[$"bn{layer}.weight"], t[$"bn{layer}.bias"]).Relu();
            h = Functional.MaxPool2d(h, 2);
        }
        Assert.Equal([h.Shape[0], c.Int("channels"), 1, 1], h.Shape.ToArray());
        Tensor logits = Functional.Linear(h.Flatten(1), t["head.weight"], t["head.bias"]);
        return new() { ["out"] = Functional.CrossEntropy(logits, c.Ints("labels")), ["logits"] = logits };
    }
}

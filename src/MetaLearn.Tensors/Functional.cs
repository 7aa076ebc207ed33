using WindowGeometry = MetaLearn.Kernels.WindowGeometry;
using MetaLearn.Tensors.Ops;

namespace MetaLearn.Tensors;

/// <summary>
/// Neural-network functions in PyTorch's <c>torch.nn.functional</c> vocabulary, composed from the primitives,
/// so each is differentiable to any order. Images are <c>[N, C, H, W]</c>.
/// </summary>
public static class Functional
{
    /// <summary><c>x @ weight^T + bias</c> with <c>weight</c> of shape <c>[out, in]</c> and <c>x</c> of shape <c>[..., in]</c>.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        if (weight.Rank != 2 || x.Rank < 1 || x.Shape[^1] != weight.Shape[1])
        {
            throw new ArgumentException(
                $"linear: input {Shapes.Format(x.Shape)} does not match weight {Shapes.Format(weight.Shape)}; the weight must be [out, in] with in = the input's last dimension.");
        }
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != weight.Shape[0]))
        {
            throw new ArgumentException($"linear: bias {Shapes.Format(bias.Shape)} must be [{weight.Shape[0]}], one per output feature.");
        }
        bias?.CheckSameDType("linear", weight);
        Tensor input = x.Rank == 1 ? x.Unsqueeze(0) : x;
        Tensor y = MatMul.Apply(input, weight, transposeA: false, transposeB: true, bias); // bias fused into the GEMM
        return x.Rank == 1 ? y.Squeeze(0) : y;
    }

    /// <summary>2-D convolution (cross-correlation, as in PyTorch) of <c>[N, C, H, W]</c> with <c>weight [O, C, KH, KW]</c>, via im2col and one matmul.</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0)
    {
        if (x.Rank != 4 || weight.Rank != 4 || x.Shape[1] != weight.Shape[1])
        {
            throw new ArgumentException(
                $"conv2d: input {Shapes.Format(x.Shape)} and weight {Shapes.Format(weight.Shape)} do not fit; expected input [N, C, H, W] and weight [O, C, KH, KW] with the same C.");
        }
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != weight.Shape[0]))
        {
            throw new ArgumentException($"conv2d: bias {Shapes.Format(bias.Shape)} must be [{weight.Shape[0]}], one per output channel.");
        }
        WindowGeometry g = Geometry("conv2d", x, weight.Shape[2], weight.Shape[3], stride, padding);
        if (bias is not null)
        {
            weight.CheckSameDType("conv2d", bias);
        }
        weight.CheckSameDType("conv2d", x);
        int kernel = weight.Shape[2], same = (kernel - 1) / 2;
        if (stride == 1 && kernel == weight.Shape[3] && kernel % 2 == 1 && padding < same
            && Kernels.Convolution.HasFastSamePath(g with { Padding = same }, weight.Shape[0]))
        {
            // A narrower-than-"same" convolution is the centre of the "same" one: computing that with the Winograd or
            // shifted-row kernels and cropping beats unfolding (the crop's gradient pads, so every order still works).
            Tensor full = Conv2dOp.Apply(x, weight, g with { Padding = same }, bias);
            int cut = same - padding;
            return full.Slice(2, cut, g.OutHeight).Slice(3, cut, g.OutWidth);
        }
        return Conv2dOp.Apply(x, weight, g, bias);
    }

    /// <summary>
    /// Transposed 2-D convolution, as PyTorch's <c>conv_transpose2d</c>: <c>[N, Cin, H, W]</c> with <c>weight [Cin, Cout, KH, KW]</c>
    /// gives <c>[N, Cout, (H-1)*stride - 2*padding + KH + outputPadding, ...]</c>. It is the input gradient of the convolution
    /// with that weight (the <c>conv2d_input_grad</c> primitive), so its gradients of every order are convolutions again.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0)
    {
        if (x.Rank != 4 || weight.Rank != 4 || x.Shape[1] != weight.Shape[0])
        {
            throw new ArgumentException(
                $"conv_transpose2d: input {Shapes.Format(x.Shape)} and weight {Shapes.Format(weight.Shape)} do not fit; expected input [N, Cin, H, W] and weight [Cin, Cout, KH, KW] with the same Cin.");
        }
        if (stride < 1 || padding < 0 || outputPadding < 0 || outputPadding >= stride)
        {
            throw new ArgumentException($"conv_transpose2d: needs stride >= 1, padding >= 0 and 0 <= outputPadding < stride; got stride {stride}, padding {padding}, outputPadding {outputPadding}.");
        }
        int kh = weight.Shape[2], kw = weight.Shape[3];
        int height = (x.Shape[2] - 1) * stride - 2 * padding + kh + outputPadding, width = (x.Shape[3] - 1) * stride - 2 * padding + kw + outputPadding;
        if (height < 1 || width < 1)
        {
            throw new ArgumentException($"conv_transpose2d: input {Shapes.Format(x.Shape)} with a {kh}x{kw} kernel, stride {stride} and padding {padding} gives an empty output; lower the padding.");
        }
        weight.CheckSameDType("conv_transpose2d", x);
        // The convolution whose input has the output's shape and whose output has x's shape.
        var g = new WindowGeometry(x.Shape[0], weight.Shape[1], height, width, kh, kw, stride, padding);
        Tensor y = Conv2dInputGrad.Apply(x, weight, g);
        if (bias is null)
        {
            return y;
        }
        if (bias.Rank != 1 || bias.Shape[0] != weight.Shape[1])
        {
            throw new ArgumentException($"conv_transpose2d: bias {Shapes.Format(bias.Shape)} must be [{weight.Shape[1]}], one per output channel.");
        }
        bias.CheckSameDType("conv_transpose2d", x);
        return y + bias.Reshape(1, bias.Shape[0], 1, 1);
    }

    /// <summary>Max over <paramref name="kernelSize"/> windows (stride defaults to the kernel size, no padding, floor mode).</summary>
    public static Tensor MaxPool2d(Tensor x, int kernelSize, int? stride = null)
    {
        WindowGeometry g = PoolGeometry("max_pool2d", x, kernelSize, stride ?? kernelSize, 0);
        int planes = g.Batch, outPlane = g.OutHeight * g.OutWidth;
        Positions index = Positions.Allocate(planes * outPlane); // every entry is written by the kernel
        Tensor source = x.Reshape(planes, g.Height * g.Width);
        if (kernelSize == 2 && g.Stride == 2)
        {
            // The common window: values and argmax positions in one pass, recorded as the same gather.
            Tensor values = Tensor.Empty([planes, outPlane], x.DType);
            if (x.DType == DType.Float32)
            {
                Kernels.Pooling.MaxPool2x2<float>(x.Span<float>(), planes, g.Height, g.Width, values.Span<float>(), index.Span);
            }
            else
            {
                Kernels.Pooling.MaxPool2x2<double>(x.Span<double>(), planes, g.Height, g.Width, values.Span<double>(), index.Span);
            }
            return Ops.Gather.Computed(source, 1, index, values).Reshape(x.Shape[0], x.Shape[1], g.OutHeight, g.OutWidth);
        }
        if (x.DType == DType.Float32)
        {
            Kernels.Pooling.MaxPoolIndices<float>(x.Span<float>(), planes, g.Height, g.Width, kernelSize, g.Stride, index.Span);
        }
        else
        {
            Kernels.Pooling.MaxPoolIndices<double>(x.Span<double>(), planes, g.Height, g.Width, kernelSize, g.Stride, index.Span);
        }
        // The values are a gather of the argmax positions, so the gradient is the Gather/ScatterAdd pair.
        return Ops.Gather.Apply(source, 1, index, [planes, outPlane])
            .Reshape(x.Shape[0], x.Shape[1], g.OutHeight, g.OutWidth);
    }

    /// <summary>Mean over windows; zero padding counts toward the mean (PyTorch's <c>count_include_pad=True</c>).</summary>
    public static Tensor AvgPool2d(Tensor x, int kernelSize, int? stride = null, int padding = 0)
    {
        WindowGeometry g = PoolGeometry("avg_pool2d", x, kernelSize, stride ?? kernelSize, padding);
        return Im2Col.Apply(x.Reshape(g.Batch, 1, g.Height, g.Width), g).Mean(0)
            .Reshape(x.Shape[0], x.Shape[1], g.OutHeight, g.OutWidth);
    }

    /// <summary>
    /// <c>Relu(MaxPool2d(BatchNorm(x, weight, bias), 2))</c> with batch statistics, the tail of a convnet block, as one
    /// op: the same values and gradients (to any order) as the three calls, without their two full-size intermediates.
    /// A 15 MB intermediate per layer is never written or read again in a 75-image MAML query pass. The batch norm's
    /// weight and bias default to ones and zeros.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not <c>[N, C, H, W]</c> with H, W &gt;= 2 and N * H * W &gt;= 2, or a
    /// parameter's shape does not match C.</exception>
    public static Tensor BatchNormMaxPoolRelu(Tensor x, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4 || x.Shape[2] < 2 || x.Shape[3] < 2 || x.Shape[0] * x.Shape[2] * x.Shape[3] < 2)
        {
            throw new ArgumentException(
                $"batch_norm_max_pool_relu: input must be [N, C, H, W] with H, W >= 2 and more than one value per channel; got {Shapes.Format(x.Shape)}.");
        }
        int channels = x.Shape[1];
        foreach ((string name, Tensor? t) in new[] { ("weight", weight), ("bias", bias) })
        {
            if (t is not null && (t.Rank != 1 || t.Shape[0] != channels))
            {
                throw new ArgumentException($"batch_norm_max_pool_relu: {name} has shape {Shapes.Format(t.Shape)} but the input has {channels} channels.");
            }
            t?.CheckSameDType("batch_norm_max_pool_relu", x);
        }
        return Ops.PooledBatchNormOp.Apply(x, weight ?? Tensor.Ones([channels], x.DType), bias ?? Tensor.Zeros([channels], x.DType), eps);
    }

    /// <summary>
    /// Batch normalisation over <c>[N, C]</c> or <c>[N, C, H, W]</c>. In training mode (or without running statistics)
    /// it normalises with the batch's own mean and biased variance — the transductive mode MAML papers use — and,
    /// when <paramref name="statistics"/> are given, updates them outside the graph. In evaluation mode it uses them.
    /// </summary>
    public static Tensor BatchNorm(
        Tensor x, Tensor? weight = null, Tensor? bias = null, BatchNormStatistics? statistics = null,
        bool training = true, double eps = 1e-5)
    {
        if (x.Rank is not (2 or 4))
        {
            throw new ArgumentException($"batch_norm: input must be [N, C] or [N, C, H, W]; got {Shapes.Format(x.Shape)}.");
        }
        int channels = x.Shape[1];
        int[] dims = x.Rank == 4 ? [0, 2, 3] : [0];
        int[] channelShape = x.Rank == 4 ? [1, channels, 1, 1] : [1, channels];
        foreach ((string name, Tensor? t) in new[] { ("weight", weight), ("bias", bias), ("running mean", statistics?.Mean), ("running variance", statistics?.Variance) })
        {
            if (t is not null && (t.Rank != 1 || t.Shape[0] != channels))
            {
                throw new ArgumentException($"batch_norm: {name} has shape {Shapes.Format(t.Shape)} but the input has {channels} channels.");
            }
        }

        if (training || statistics is null)
        {
            int n = x.Count / channels;
            if (n < 2 && training)
            {
                throw new ArgumentException($"batch_norm: training mode needs more than one value per channel; got input {Shapes.Format(x.Shape)}.");
            }
            (Tensor y, Tensor mean, Tensor variance) = BatchNormOp.Apply(
                x, weight ?? Tensor.Ones([channels], x.DType), bias ?? Tensor.Zeros([channels], x.DType), eps);
            if (statistics is not null)
            {
                using (Autograd.NoGrad())
                {
                    // Running statistics outlive any TensorScope the forward pass runs in.
                    double m = statistics.Momentum;
                    statistics.Mean = TensorScope.Outside(() => statistics.Mean * (1 - m) + mean * m);
                    statistics.Variance = TensorScope.Outside(() => statistics.Variance * (1 - m) + variance * (m * n / (n - 1.0)));
                    statistics.BatchesTracked++;
                }
            }
            return y;
        }

        Tensor scale = (statistics.Variance + eps).Pow(-0.5);
        Tensor shift = -statistics.Mean * scale;
        if (weight is not null)
        {
            scale *= weight;
            shift *= weight;
        }
        if (bias is not null)
        {
            shift += bias;
        }
        return x * scale.Reshape(channelShape) + shift.Reshape(channelShape);
    }

    /// <summary>
    /// Training-mode <see cref="BatchNorm"/> that also returns the batch's per-channel mean and biased variance (constants,
    /// outside the graph): what a layer records from a task's support set so its queries can later be normalised with
    /// exactly the support set's statistics (<c>BatchNorm(x, weight, bias, recorded, training: false)</c>).
    /// </summary>
    public static (Tensor Output, Tensor Mean, Tensor Variance) BatchNormWithStatistics(Tensor x, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank is not (2 or 4) || x.Count / x.Shape[1] < 2)
        {
            throw new ArgumentException($"batch_norm: input must be [N, C] or [N, C, H, W] with more than one value per channel; got {Shapes.Format(x.Shape)}.");
        }
        int channels = x.Shape[1];
        return BatchNormOp.Apply(x, weight ?? Tensor.Ones([channels], x.DType), bias ?? Tensor.Zeros([channels], x.DType), eps);
    }

    /// <summary>Zeroes each element with probability <paramref name="p"/> and scales the rest by 1/(1-p); the identity when not training.</summary>
    public static Tensor Dropout(Tensor x, double p, Rng rng, bool training = true)
    {
        if (p is < 0 or > 1 || double.IsNaN(p))
        {
            throw new ArgumentOutOfRangeException(nameof(p), $"dropout: probability must be in [0, 1]; got {p}.");
        }
        if (!training || p == 0)
        {
            return x;
        }
        var mask = new double[x.Count];
        double keep = p == 1 ? 0 : 1.0 / (1 - p);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = rng.NextDouble() >= p ? keep : 0.0;
        }
        return x * Tensor.FromArray(mask, x.ShapeArray).To(x.DType);
    }

    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public static Tensor Softmax(Tensor x, int dim) => x.Softmax(dim);

    /// <summary>Log-softmax along <paramref name="dim"/>.</summary>
    public static Tensor LogSoftmax(Tensor x, int dim) => x.LogSoftmax(dim);

    /// <summary>A <c>[labels.Length, classes]</c> matrix with a 1 at each label (a constant).</summary>
    public static Tensor OneHot(int[] labels, int classes, DType dtype = DType.Float32)
    {
        var values = new double[labels.Length * classes];
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"one_hot: label {labels[i]} at position {i} is outside 0..{classes - 1}.");
            }
            values[i * classes + labels[i]] = 1;
        }
        return Tensor.FromArray(values, labels.Length, classes).To(dtype);
    }

    /// <summary>Cross-entropy of <c>[N, C]</c> logits against integer class labels (log-softmax + negative log-likelihood).</summary>
    public static Tensor CrossEntropy(Tensor logits, int[] labels, Reduction reduction = Reduction.Mean)
    {
        if (logits.Rank != 2 || labels.Length != logits.Shape[0])
        {
            throw new ArgumentException(
                $"cross_entropy: logits must be [N, C] with one label per row; got logits {Shapes.Format(logits.Shape)} and {labels.Length} labels.");
        }
        Tensor picked = logits.LogSoftmax(1).Gather(1, labels, labels.Length, 1).Reshape(labels.Length);
        return Reduce(-picked, reduction);
    }

    /// <summary>Mean squared error. The shapes must be equal (PyTorch only warns when they broadcast; that is almost always a bug).</summary>
    public static Tensor MseLoss(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        RequireSameShape("mse_loss", prediction, target);
        return Reduce((prediction - target).Square(), reduction);
    }

    /// <summary>Binary cross-entropy of logits against targets in [0, 1], computed stably as softplus(x) - x * y.</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean)
    {
        RequireSameShape("binary_cross_entropy_with_logits", logits, target);
        return Reduce(logits.Softplus() - logits * target, reduction);
    }

    /// <summary>
    /// KL(N(mean, exp(logVariance)) || N(0, I)) per sample: <c>0.5 * sum(mean^2 + exp(logVar) - 1 - logVar)</c> over every
    /// dimension but the first (the VAE term), then reduced over the batch.
    /// </summary>
    public static Tensor GaussianKlToStandardNormal(Tensor mean, Tensor logVariance, Reduction reduction = Reduction.Mean)
    {
        RequireSameShape("gaussian_kl", mean, logVariance);
        if (mean.Rank < 1)
        {
            throw new ArgumentException("gaussian_kl: inputs need a batch dimension; got a scalar.");
        }
        Tensor terms = (mean.Square() + logVariance.Exp() - 1.0 - logVariance) * 0.5;
        Tensor perSample = mean.Rank == 1 ? terms : terms.Sum(Enumerable.Range(1, mean.Rank - 1).ToArray());
        return Reduce(perSample, reduction);
    }

    private static Tensor Reduce(Tensor terms, Reduction reduction) => reduction switch
    {
        Reduction.Mean => terms.Mean(),
        Reduction.Sum => terms.Sum(),
        Reduction.None => terms,
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
    };

    private static void RequireSameShape(string op, Tensor a, Tensor b)
    {
        if (!Shapes.Equal(a.Shape, b.Shape))
        {
            throw new ArgumentException($"{op}: shapes {Shapes.Format(a.Shape)} and {Shapes.Format(b.Shape)} differ; they must be equal.");
        }
        a.CheckSameDType(op, b);
    }

    private static WindowGeometry Geometry(string op, Tensor x, int kh, int kw, int stride, int padding)
    {
        if (stride < 1 || padding < 0)
        {
            throw new ArgumentException($"{op}: stride must be >= 1 and padding >= 0; got stride {stride}, padding {padding}.");
        }
        var g = new WindowGeometry(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], kh, kw, stride, padding);
        if (x.Shape[2] + 2 * padding < kh || x.Shape[3] + 2 * padding < kw)
        {
            throw new ArgumentException(
                $"{op}: a {kh}x{kw} window does not fit input {Shapes.Format(x.Shape)} with padding {padding}; the padded image must be at least as large as the window.");
        }
        return g;
    }

    private static WindowGeometry PoolGeometry(string op, Tensor x, int kernelSize, int stride, int padding)
    {
        if (x.Rank != 4)
        {
            throw new ArgumentException($"{op}: input must be [N, C, H, W]; got {Shapes.Format(x.Shape)}.");
        }
        if (kernelSize < 1 || padding * 2 > kernelSize)
        {
            throw new ArgumentException($"{op}: kernel size must be >= 1 and padding at most half of it; got kernel {kernelSize}, padding {padding}.");
        }
        WindowGeometry g = Geometry(op, x, kernelSize, kernelSize, stride, padding);
        return g with { Batch = x.Shape[0] * x.Shape[1], Channels = 1 };
    }
}

using System.Globalization;
using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>How a convnet block halves the resolution.</summary>
public enum ConvDownsampling
{
    /// <summary>3x3 convolution with padding 1, then 2x2 max-pooling (Vinyals et al. 2016; MAML on miniImageNet).</summary>
    MaxPool,

    /// <summary>3x3 convolution with stride 2 and padding 1, no pooling (MAML on Omniglot).</summary>
    Strided,
}

/// <summary>The backbones of the few-shot papers, each split into features and head.</summary>
public static class Backbones
{
    /// <summary>
    /// The 4-layer convnet of MAML for Omniglot (Finn et al. 2017): four blocks of 3x3 conv (64 channels by default),
    /// batch norm, ReLU and downsampling (strided by default: 28 -> 14 -> 7 -> 4 -> 2), then the mean over the spatial
    /// dimensions (64 features) and a linear head to <paramref name="ways"/> classes. Input <c>[N, 1, 28, 28]</c>.
    /// </summary>
    public static Backbone OmniglotConvNet(int ways, Rng rng, int hidden = 64, BatchNormMode batchNorm = BatchNormMode.BatchStatistics,
        int steps = 1, ConvDownsampling downsampling = ConvDownsampling.Strided, int imageSize = 28, DType dtype = DType.Float32)
    {
        Sequential blocks = ConvBlocks(1, hidden, rng, batchNorm, steps, downsampling, dtype);
        var features = new Sequential([("blocks", (Module)blocks), ("pool", new GlobalAvgPool2d())]);
        var head = new Linear(hidden, ways, rng, dtype: dtype);
        return new Backbone(Name("convnet4-omniglot", $"in=1, hidden={hidden}, out={ways}, {imageSize}x{imageSize}, {downsampling}, bn={batchNorm}"), features, head);
    }

    /// <summary>
    /// The 4-layer convnet for 84x84 colour images (miniImageNet; Ravi and Larochelle 2017, MAML): four blocks of 3x3 conv
    /// (32 channels in MAML, 64 in ProtoNet), batch norm, ReLU and 2x2 max-pooling (84 -> 42 -> 21 -> 10 -> 5), flattened to
    /// <c>hidden * 5 * 5</c> features, and a linear head. Input <c>[N, channels, imageSize, imageSize]</c>.
    /// </summary>
    public static Backbone MiniImageNetConvNet(int ways, Rng rng, int hidden = 32, int channels = 3, BatchNormMode batchNorm = BatchNormMode.BatchStatistics,
        int steps = 1, int imageSize = 84, DType dtype = DType.Float32)
    {
        int side = imageSize;
        for (int i = 0; i < 4; i++)
        {
            side /= 2;
        }
        if (side < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"MiniImageNetConvNet: image size {imageSize} is too small for four 2x2 poolings; use at least 16.");
        }
        Sequential blocks = ConvBlocks(channels, hidden, rng, batchNorm, steps, ConvDownsampling.MaxPool, dtype);
        var features = new Sequential([("blocks", (Module)blocks), ("flatten", new Flatten())]);
        var head = new Linear(hidden * side * side, ways, rng, dtype: dtype);
        return new Backbone(Name("convnet4-color", $"in={channels}, hidden={hidden}, out={ways}, {imageSize}x{imageSize}, bn={batchNorm}"), features, head);
    }

    /// <summary>
    /// The regression MLP of MAML's sinusoid experiments: <c>in -> 40 -> 40 -> out</c> with ReLU (features: the
    /// <paramref name="hiddenLayers"/> hidden layers; head: the last linear layer). With <paramref name="hiddenLayers"/> = 0
    /// it is the linear model <c>Linear(in, out)</c> (empty features).
    /// </summary>
    public static Backbone RegressionMlp(Rng rng, int inFeatures = 1, int hidden = 40, int outFeatures = 1, DType dtype = DType.Float32, int hiddenLayers = 2)
    {
        if (hiddenLayers < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(hiddenLayers), $"Backbones.RegressionMlp: hiddenLayers must be >= 0 (0: a linear model), got {hiddenLayers}.");
        }
        var layers = new List<Module>();
        for (int l = 0; l < hiddenLayers; l++)
        {
            layers.Add(new Linear(l == 0 ? inFeatures : hidden, hidden, rng, dtype: dtype));
            layers.Add(new ReLU());
        }
        int width = hiddenLayers == 0 ? inFeatures : hidden;
        var head = new Linear(width, outFeatures, rng, dtype: dtype);
        IEnumerable<int> sizes = [inFeatures, .. Enumerable.Repeat(hidden, hiddenLayers), outFeatures];
        return new Backbone(Name(hiddenLayers == 0 ? "linear" : "mlp", string.Join("-", sizes)), new Sequential([.. layers]), head);
    }

    /// <summary>
    /// ResNet-12 (Oreshkin et al. 2018; Lee et al. 2019): four residual blocks of widths 64-160-320-640, each three 3x3
    /// conv + batch norm + LeakyReLU(0.1) with a 1x1 conv shortcut and 2x2 max-pooling, then global average pooling and a
    /// linear head. DropBlock regularisation of the papers is not included.
    /// </summary>
    public static Backbone ResNet12(int ways, Rng rng, int channels = 3, int[]? widths = null, BatchNormMode batchNorm = BatchNormMode.BatchStatistics,
        int steps = 1, DType dtype = DType.Float32)
    {
        widths ??= [64, 160, 320, 640];
        if (widths.Length == 0 || widths.Any(w => w < 1))
        {
            throw new ArgumentException($"ResNet12: widths must be positive; got [{string.Join(", ", widths)}].", nameof(widths));
        }
        var blocks = new List<Module>();
        int inChannels = channels;
        foreach (int w in widths)
        {
            blocks.Add(new ResidualBlock(inChannels, w, rng, batchNorm, steps, dtype));
            inChannels = w;
        }
        var features = new Sequential([("blocks", (Module)new Sequential([.. blocks])), ("pool", new GlobalAvgPool2d())]);
        var head = new Linear(inChannels, ways, rng, dtype: dtype);
        return new Backbone(Name("resnet12", $"in={channels}, widths={string.Join("-", widths)}, out={ways}, bn={batchNorm}"), features, head);
    }

    private static Sequential ConvBlocks(int inChannels, int hidden, Rng rng, BatchNormMode batchNorm, int steps, ConvDownsampling downsampling, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var blocks = new Module[4];
        for (int i = 0; i < 4; i++)
        {
            int stride = downsampling == ConvDownsampling.Strided ? 2 : 1;
            var layers = new List<Module>
            {
                new Conv2d(i == 0 ? inChannels : hidden, hidden, 3, rng, stride, padding: 1, dtype: dtype),
                new BatchNorm2d(hidden, batchNorm, batchNorm == BatchNormMode.PerStepStatistics ? steps : 1, dtype: dtype),
            };
            // Max-pooling before the ReLU: the same function and the same gradients as ReLU then pooling (max and a
            // monotone ReLU commute, and the argmax is the same wherever the gradient is non-zero), with the ReLU and its
            // backward on a quarter of the data and one full-size activation fewer kept for backward.
            if (downsampling == ConvDownsampling.MaxPool)
            {
                layers.Add(new MaxPool2d(2));
            }
            layers.Add(new ReLU());
            blocks[i] = new Sequential([.. layers]);
        }
        return new Sequential(blocks);
    }

    private static string Name(string kind, string details) => string.Create(CultureInfo.InvariantCulture, $"{kind}({details})");
}

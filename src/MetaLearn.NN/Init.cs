using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>Which fan a Kaiming initialiser scales by.</summary>
public enum FanMode
{
    /// <summary>Inputs per output unit: preserves the variance of activations in the forward pass.</summary>
    FanIn,

    /// <summary>Outputs per input unit: preserves the variance of gradients in the backward pass.</summary>
    FanOut,
}

/// <summary>
/// Seeded weight initialisers with PyTorch's formulas (<c>torch.nn.init</c>). Every one takes an <see cref="Rng"/>:
/// the same seed gives the same weights. Fans follow PyTorch: for <c>[out, in, kh, kw]</c>,
/// fan-in = <c>in*kh*kw</c> and fan-out = <c>out*kh*kw</c>.
/// </summary>
public static class Init
{
    /// <summary>The fan-in and fan-out of a weight of <paramref name="shape"/> (rank 2 or more).</summary>
    public static (int FanIn, int FanOut) Fans(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length < 2)
        {
            throw new ArgumentException($"Init: fans need a weight of rank >= 2 ([out, in, ...]); got shape [{string.Join(", ", shape)}].");
        }
        int receptive = 1;
        for (int d = 2; d < shape.Length; d++)
        {
            receptive *= shape[d];
        }
        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>
    /// He et al. (2015) uniform: U(-b, b) with <c>b = gain * sqrt(3 / fan)</c> and <c>gain = sqrt(2 / (1 + slope^2))</c>
    /// (<paramref name="negativeSlope"/> 0 is ReLU).
    /// </summary>
    public static Tensor KaimingUniform(Rng rng, int[] shape, double negativeSlope = 0, FanMode mode = FanMode.FanIn, DType dtype = DType.Float32)
    {
        double bound = Math.Sqrt(3.0) * KaimingStd(shape, negativeSlope, mode);
        return Tensor.Uniform(rng, shape, -bound, bound, dtype);
    }

    /// <summary>He et al. (2015) normal: N(0, std^2) with <c>std = gain / sqrt(fan)</c>.</summary>
    public static Tensor KaimingNormal(Rng rng, int[] shape, double negativeSlope = 0, FanMode mode = FanMode.FanIn, DType dtype = DType.Float32)
        => Tensor.Normal(rng, shape, 0, KaimingStd(shape, negativeSlope, mode), dtype);

    /// <summary>Glorot and Bengio (2010) uniform: U(-b, b) with <c>b = gain * sqrt(6 / (fanIn + fanOut))</c>.</summary>
    public static Tensor XavierUniform(Rng rng, int[] shape, double gain = 1.0, DType dtype = DType.Float32)
    {
        double bound = Math.Sqrt(3.0) * XavierStd(shape, gain);
        return Tensor.Uniform(rng, shape, -bound, bound, dtype);
    }

    /// <summary>Glorot and Bengio (2010) normal: N(0, std^2) with <c>std = gain * sqrt(2 / (fanIn + fanOut))</c>.</summary>
    public static Tensor XavierNormal(Rng rng, int[] shape, double gain = 1.0, DType dtype = DType.Float32)
        => Tensor.Normal(rng, shape, 0, XavierStd(shape, gain), dtype);

    /// <summary>Zeros (biases, FiLM shifts, the last layer of some heads).</summary>
    public static Tensor Zeros(int[] shape, DType dtype = DType.Float32) => Tensor.Zeros(shape, dtype);

    /// <summary>
    /// PyTorch's default for <c>nn.Linear</c>/<c>nn.Conv2d</c> weights: <c>kaiming_uniform_(a=sqrt(5))</c>,
    /// which works out to U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
    /// </summary>
    public static Tensor DefaultWeight(Rng rng, int[] shape, DType dtype = DType.Float32)
        => KaimingUniform(rng, shape, Math.Sqrt(5), FanMode.FanIn, dtype);

    /// <summary>PyTorch's default for <c>nn.Linear</c>/<c>nn.Conv2d</c> biases: U(-1/sqrt(fanIn), 1/sqrt(fanIn)).</summary>
    public static Tensor DefaultBias(Rng rng, int length, int fanIn, DType dtype = DType.Float32)
    {
        double bound = fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0;
        return Tensor.Uniform(rng, [length], -bound, bound, dtype);
    }

    private static double KaimingStd(int[] shape, double negativeSlope, FanMode mode)
    {
        (int fanIn, int fanOut) = Fans(shape);
        int fan = mode == FanMode.FanIn ? fanIn : fanOut;
        if (fan == 0)
        {
            throw new ArgumentException($"Init: Kaiming initialisation of shape [{string.Join(", ", shape)}] has a zero {mode}; there is nothing to scale by.");
        }
        double gain = Math.Sqrt(2.0 / (1 + negativeSlope * negativeSlope));
        return gain / Math.Sqrt(fan);
    }

    private static double XavierStd(int[] shape, double gain)
    {
        (int fanIn, int fanOut) = Fans(shape);
        if (fanIn + fanOut == 0)
        {
            throw new ArgumentException($"Init: Xavier initialisation of shape [{string.Join(", ", shape)}] has zero fans.");
        }
        return gain * Math.Sqrt(2.0 / (fanIn + fanOut));
    }
}

using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// Feature-wise linear modulation (Perez et al. 2018): <c>y = scale * x + shift</c> per channel (dimension 1) of
/// <c>[N, C]</c> or <c>[N, C, H, W]</c>. As a module it owns <c>scale</c> (ones) and <c>shift</c> (zeros); CAVIA
/// (Zintgraf et al. 2019) adapts exactly such task-specific context parameters in its inner loop.
/// </summary>
public sealed class FiLM : Module
{
    /// <summary>Creates an identity modulation of <paramref name="features"/> channels.</summary>
    public FiLM(int features, DType dtype = DType.Float32)
    {
        if (features < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(features), $"FiLM: features must be positive; got {features}.");
        }
        Features = features;
        OwnParameters = ParameterSet.Of(("scale", Tensor.Ones([features], dtype)), ("shift", Tensor.Zeros([features], dtype))).AsLeaves();
    }

    /// <summary>Number of modulated channels.</summary>
    public int Features { get; }

    /// <inheritdoc/>
    public override string Label => $"FiLM({Features})";

    /// <summary>
    /// <c>scale * x + shift</c> over dimension 1 of <paramref name="x"/>; <paramref name="scale"/> and <paramref name="shift"/>
    /// are <c>[C]</c> (shared) or <c>[N, C]</c> (per sample, e.g. produced by a conditioning network).
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor scale, Tensor shift)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x * Align("scale", x, scale) + Align("shift", x, shift);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context)
        => Apply(x, Require(parameters, "scale"), Require(parameters, "shift"));

    private static Tensor Align(string what, Tensor x, Tensor m)
    {
        ArgumentNullException.ThrowIfNull(m);
        bool ok = x.Rank is 2 or 4 && ((m.Rank == 1 && m.Shape[0] == x.Shape[1]) || (m.Rank == 2 && m.Shape[0] == x.Shape[0] && m.Shape[1] == x.Shape[1]));
        if (!ok)
        {
            throw new ArgumentException(
                $"FiLM: {what} [{string.Join(", ", m.Shape.ToArray())}] does not fit input [{string.Join(", ", x.Shape.ToArray())}]; " +
                "the input must be [N, C] or [N, C, H, W] and the modulation [C] or [N, C].");
        }
        int n = m.Rank == 2 ? m.Shape[0] : 1, c = x.Shape[1];
        return x.Rank == 4 ? m.Reshape(n, c, 1, 1) : m.Reshape(n, c);
    }
}

using MetaLearn.Tensors;

namespace MetaLearn.Optim;

/// <summary>
/// Scales all gradients together so their global L2 norm is at most <see cref="MaxNorm"/>, exactly as PyTorch's
/// <c>clip_grad_norm_</c>: <c>g * min(1, maxNorm / (norm + 1e-6))</c>. (optax's <c>clip_by_global_norm</c> omits the
/// 1e-6.) The factor is a tensor, so clipping is differentiable; the norm uses <see cref="Updates.SafeSqrt"/>.
/// </summary>
public sealed class ClipByGlobalNorm : IGradientTransformation
{
    /// <summary>Creates the stage. <paramref name="maxNorm"/> must be positive and finite.</summary>
    public ClipByGlobalNorm(double maxNorm)
    {
        if (!(maxNorm > 0) || double.IsInfinity(maxNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), $"ClipByGlobalNorm: max norm must be positive and finite; got {maxNorm}.");
        }
        MaxNorm = maxNorm;
    }

    /// <summary>The largest global norm let through.</summary>
    public double MaxNorm { get; }

    /// <inheritdoc/>
    public ParameterSet Init(ParameterSet parameters) => ParameterSet.Empty;

    /// <inheritdoc/>
    public (ParameterSet Updates, ParameterSet State) Update(ParameterSet gradients, ParameterSet state, ParameterSet? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (gradients.Count == 0)
        {
            return (gradients, ParameterSet.Empty);
        }
        Tensor norm = Updates.GlobalNorm(gradients);
        Tensor factor = (MaxNorm / (norm + 1e-6)).Minimum(Tensor.Scalar(1.0, norm.DType));
        return (gradients.Map(g => g * factor), ParameterSet.Empty);
    }
}

using MetaLearn.Tensors;

namespace MetaLearn.Optim;

/// <summary>
/// Adam's direction (Kingma and Ba 2015): <c>m = b1 m + (1 - b1) g</c>, <c>v = b2 v + (1 - b2) g^2</c>,
/// <c>u = m_hat / (sqrt(v_hat + epsRoot) + eps)</c> with <c>m_hat = m / (1 - b1^t)</c>, <c>v_hat = v / (1 - b2^t)</c>.
/// State: <c>mu.*</c>, <c>nu.*</c>, <c>count</c>.
/// </summary>
/// <remarks>
/// <para><b>Epsilon placement.</b> <c>eps</c> is added outside the square root, as in the paper and in PyTorch, so with
/// <c>epsRoot = 0</c> the values match <c>torch.optim.Adam</c>. Inside an inner loop, though, the meta-gradient passes
/// through <c>sqrt(v)</c>, whose derivative <c>1 / (2 sqrt(v))</c> is infinite where <c>v = 0</c> — any gradient element
/// that is exactly 0 at the first step (dead ReLU, zero-initialised bias with symmetric data). The chain rule then
/// multiplies that infinity by 0 and the meta-gradient becomes NaN. Two guards: the square root here is
/// <see cref="Updates.SafeSqrt"/> (derivative 0 at exactly 0, values unchanged), which keeps meta-gradients finite at
/// the default settings; and <c>epsRoot</c> &gt; 0 (optax's <c>eps_root</c>, e.g. 1e-8) moves a constant
/// inside the root, which also bounds the derivative for tiny but non-zero <c>v</c> at a small cost in fidelity to PyTorch.</para>
/// </remarks>
public sealed class ScaleByAdam : IGradientTransformation
{
    /// <summary>Creates the stage, validating the hyperparameters.</summary>
    /// <param name="beta1">Decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1).</param>
    /// <param name="eps">Added to the denominator outside the square root, &gt;= 0.</param>
    /// <param name="epsRoot">Added to <c>v_hat</c> inside the square root, &gt;= 0.</param>
    public ScaleByAdam(double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double epsRoot = 0)
    {
        Hyper.RequireBeta("Adam", nameof(beta1), beta1);
        Hyper.RequireBeta("Adam", nameof(beta2), beta2);
        Hyper.RequireNonNegative("Adam", nameof(eps), eps);
        Hyper.RequireNonNegative("Adam", nameof(epsRoot), epsRoot);
        if (eps == 0 && epsRoot == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(eps), "Adam: eps and epsRoot are both 0, so a zero gradient divides 0 by 0; make eps (or epsRoot) positive, e.g. 1e-8.");
        }
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        EpsRoot = epsRoot;
    }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Added outside the square root.</summary>
    public double Eps { get; }

    /// <summary>Added inside the square root.</summary>
    public double EpsRoot { get; }

    /// <inheritdoc/>
    public ParameterSet Init(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterSet zeros = parameters.ZerosLike();
        return zeros.Prefix("mu").Concat(zeros.Prefix("nu")).With(StateKeys.Count, StateKeys.CountTensor(0));
    }

    /// <inheritdoc/>
    public (ParameterSet Updates, ParameterSet State) Update(ParameterSet gradients, ParameterSet state, ParameterSet? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        long t = StateKeys.ReadCount("Adam", state) + 1;
        ParameterSet mu = gradients.Zip(StateKeys.Slot("Adam", state, "mu", gradients), (g, m) => m * Beta1 + g * (1 - Beta1));
        ParameterSet nu = gradients.Zip(StateKeys.Slot("Adam", state, "nu", gradients), (g, v) => v * Beta2 + g.Square() * (1 - Beta2));
        double correction1 = 1 - Math.Pow(Beta1, t), correction2 = 1 - Math.Pow(Beta2, t);
        ParameterSet updates = mu.Zip(nu, (m, v) =>
        {
            Tensor vHat = v / correction2;
            Tensor root = Updates.SafeSqrt(EpsRoot > 0 ? vHat + EpsRoot : vHat);
            return m / correction1 / (root + Eps);
        });
        return (updates, mu.Prefix("mu").Concat(nu.Prefix("nu")).With(StateKeys.Count, StateKeys.CountTensor(t)));
    }
}

namespace MetaLearn.Optim;

/// <summary>
/// The usual optimizers as chains of small transforms, with PyTorch's defaults and update rules (golden-tested
/// against <c>torch.optim</c>). Every factory validates its hyperparameters and names the offending value.
/// Learning rates accept a number or a <see cref="Schedule"/>.
/// </summary>
public static class Optimizers
{
    /// <summary>
    /// Stochastic gradient descent, <c>torch.optim.SGD</c> without dampening:
    /// <c>chain(AddDecayedWeights(weightDecay), Trace(momentum, nesterov), ScaleByLearningRate(lr))</c>, with absent stages omitted.
    /// </summary>
    public static IGradientTransformation Sgd(Schedule learningRate, double momentum = 0, bool nesterov = false, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(learningRate);
        if (!(momentum is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), $"SGD: momentum must be in [0, 1); got {momentum}.");
        }
        if (nesterov && momentum == 0)
        {
            throw new ArgumentException("SGD: Nesterov momentum needs momentum > 0; got momentum 0.", nameof(nesterov));
        }
        Hyper.RequireNonNegative("SGD", nameof(weightDecay), weightDecay);
        var stages = new List<IGradientTransformation>();
        if (weightDecay > 0)
        {
            stages.Add(new AddDecayedWeights(weightDecay));
        }
        if (momentum > 0)
        {
            stages.Add(new Trace(momentum, nesterov));
        }
        stages.Add(new ScaleByLearningRate(learningRate));
        return new Chain([.. stages]);
    }

    /// <summary>
    /// Adam, <c>torch.optim.Adam</c> (L2 <paramref name="weightDecay"/> added to the gradient, as PyTorch does):
    /// <c>chain(AddDecayedWeights(weightDecay), ScaleByAdam(b1, b2, eps, epsRoot), ScaleByLearningRate(lr))</c>.
    /// See <see cref="ScaleByAdam"/> for where epsilon goes and why inner loops stay finite.
    /// </summary>
    public static IGradientTransformation Adam(Schedule learningRate, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, double epsRoot = 0)
    {
        ArgumentNullException.ThrowIfNull(learningRate);
        Hyper.RequireNonNegative("Adam", nameof(weightDecay), weightDecay);
        var adam = new ScaleByAdam(beta1, beta2, eps, epsRoot);
        return weightDecay > 0
            ? new Chain(new AddDecayedWeights(weightDecay), adam, new ScaleByLearningRate(learningRate))
            : new Chain(adam, new ScaleByLearningRate(learningRate));
    }

    /// <summary>
    /// AdamW (Loshchilov and Hutter 2019), <c>torch.optim.AdamW</c>: decoupled weight decay,
    /// <c>chain(ScaleByAdam, AddDecayedWeights(weightDecay), ScaleByLearningRate(lr))</c>, i.e.
    /// <c>p -= lr * (adam + weightDecay * p)</c>, which equals PyTorch's <c>p *= 1 - lr*wd</c> followed by the Adam step.
    /// </summary>
    public static IGradientTransformation AdamW(Schedule learningRate, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0.01, double epsRoot = 0)
    {
        ArgumentNullException.ThrowIfNull(learningRate);
        return new Chain(new ScaleByAdam(beta1, beta2, eps, epsRoot), new AddDecayedWeights(weightDecay), new ScaleByLearningRate(learningRate));
    }

    /// <summary>
    /// RMSprop, <c>torch.optim.RMSprop</c>: <c>chain(AddDecayedWeights(weightDecay), ScaleByRms(alpha, eps, centered),
    /// Trace(momentum), ScaleByLearningRate(lr))</c>, with absent stages omitted.
    /// </summary>
    public static IGradientTransformation RmsProp(Schedule learningRate, double alpha = 0.99, double eps = 1e-8, double momentum = 0,
        bool centered = false, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(learningRate);
        Hyper.RequireNonNegative("RMSprop", nameof(weightDecay), weightDecay);
        if (!(momentum is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), $"RMSprop: momentum must be in [0, 1); got {momentum}.");
        }
        var stages = new List<IGradientTransformation>();
        if (weightDecay > 0)
        {
            stages.Add(new AddDecayedWeights(weightDecay));
        }
        stages.Add(new ScaleByRms(alpha, eps, centered));
        if (momentum > 0)
        {
            stages.Add(new Trace(momentum));
        }
        stages.Add(new ScaleByLearningRate(learningRate));
        return new Chain([.. stages]);
    }

    /// <summary><paramref name="optimizer"/> preceded by gradient clipping to a global norm of <paramref name="maxNorm"/>.</summary>
    public static IGradientTransformation WithGlobalNormClipping(this IGradientTransformation optimizer, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return new Chain(new ClipByGlobalNorm(maxNorm), optimizer);
    }
}

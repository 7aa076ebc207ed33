using MetaLearn.Tensors;

namespace MetaLearn.Optim;

/// <summary>Helpers around <see cref="IGradientTransformation"/>: applying updates and taking a whole step.</summary>
public static class Updates
{
    /// <summary>
    /// <c>parameters + updates</c>, tensor by tensor. Differentiable: in an inner loop the result is the "fast weights"
    /// whose graph leads back to the initial parameters.
    /// </summary>
    public static ParameterSet Apply(ParameterSet parameters, ParameterSet updates)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(updates);
        return parameters.Zip(updates, (p, u) => p + u);
    }

    /// <summary>One optimizer step: transform the gradients and apply them. Returns the new parameters and state.</summary>
    public static (ParameterSet Parameters, ParameterSet State) Step(
        this IGradientTransformation optimizer, ParameterSet parameters, ParameterSet gradients, ParameterSet state)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        (ParameterSet updates, ParameterSet next) = optimizer.Update(gradients, state, parameters);
        return (Apply(parameters, updates), next);
    }

    /// <summary>
    /// The outer-loop step: like <see cref="Step"/> but without recording a graph, returning fresh leaves that require
    /// gradients (the next iterate's parameters) and a detached state.
    /// </summary>
    public static (ParameterSet Parameters, ParameterSet State) StepDetached(
        this IGradientTransformation optimizer, ParameterSet parameters, ParameterSet gradients, ParameterSet state)
    {
        using (Autograd.NoGrad())
        {
            (ParameterSet p, ParameterSet s) = optimizer.Step(parameters.Detach(), gradients.Detach(), state.Detach());
            return (p.AsLeaves(), s);
        }
    }

    /// <summary><c>sqrt(sum of squares of every element)</c> over the whole set, a scalar (differentiable; see <see cref="SafeSqrt"/>).</summary>
    public static Tensor GlobalNorm(ParameterSet tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("GlobalNorm: the set is empty; there is no norm to take.");
        }
        Tensor sum = tensors.Tensors[0].Square().Sum();
        for (int i = 1; i < tensors.Count; i++)
        {
            sum += tensors.Tensors[i].Square().Sum();
        }
        return SafeSqrt(sum);
    }

    /// <summary>
    /// <c>sqrt(x)</c> with derivative 0 (instead of infinity) where <c>x == 0</c>. Optimizers take square roots of
    /// squared gradients; when a gradient element is exactly 0 (a dead ReLU, an unused parameter) the chain rule would
    /// multiply that infinity by 0 and put NaN into the meta-gradient. Values are unchanged; the derivative at 0 is a
    /// valid choice of subgradient of <c>sqrt(g^2) = |g|</c>. Uses the "double where": the square root only ever sees
    /// positive inputs, so no infinity is formed even in the branch that is not selected.
    /// </summary>
    public static Tensor SafeSqrt(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!x.RequiresGrad || !Autograd.IsGradEnabled)
        {
            return x.Sqrt();
        }
        Tensor positive = x.Greater(0);
        Tensor safe = Tensor.Where(positive, x, Tensor.OnesLike(x));
        return Tensor.Where(positive, safe.Sqrt(), Tensor.ZerosLike(x));
    }
}

using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>Gradient descent on fast weights, the inner loop of MAML, Meta-SGD and ANIL.</summary>
internal static class InnerLoop
{
    /// <summary>
    /// <paramref name="steps"/> updates <c>p_i &lt;- update(i, p_i, dLoss/dp_i)</c> from <paramref name="start"/>.
    /// With <paramref name="createGraph"/> the gradients are themselves differentiable, so the result's graph carries the
    /// second-order terms back to <paramref name="start"/>; without it the gradients are constants (first order), but the
    /// result still depends on <paramref name="start"/> through the identity path <c>p - lr * g</c>.
    /// </summary>
    public static ParameterSet Descend(ParameterSet start, Func<ParameterSet, int, Tensor> loss, int steps, bool createGraph,
        Func<int, Tensor, Tensor, Tensor> update)
    {
        ParameterSet p = start;
        for (int s = 0; s < steps; s++)
        {
            Tensor l = loss(p, s);
            Tensor[] g = Autograd.Grad(l, p.Tensors, createGraph: createGraph);
            var next = new Tensor[p.Count];
            for (int i = 0; i < next.Length; i++)
            {
                next[i] = update(i, p.Tensors[i], g[i]);
            }
            p = Sets.Build(p.Names, next);
        }
        return p;
    }
}

/// <summary>Small <see cref="ParameterSet"/> helpers.</summary>
internal static class Sets
{
    public static ParameterSet Build(IReadOnlyList<string> names, IReadOnlyList<Tensor> tensors)
        => new(names.Select((n, i) => new KeyValuePair<string, Tensor>(n, tensors[i])));

    /// <summary><paramref name="all"/> with the entries of <paramref name="part"/> (a subset of its names) replaced.</summary>
    public static ParameterSet Merge(ParameterSet all, ParameterSet part)
    {
        ParameterSet result = all;
        foreach ((string name, Tensor t) in part)
        {
            if (!all.Contains(name))
            {
                throw new ArgumentException($"Merge: '{name}' is not one of the model's parameters ({all.Describe()}).");
            }
            result = result.With(name, t);
        }
        return result;
    }
}

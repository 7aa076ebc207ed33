using MetaLearn.Optim;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>The inner loop of MAML, Meta-SGD and ANIL: a differentiable optimizer run on fast weights.</summary>
internal static class InnerLoop
{
    /// <summary>
    /// <paramref name="steps"/> updates of <paramref name="optimizer"/> (SGD, Meta-SGD's learned rates, ...) from
    /// <paramref name="start"/> on <paramref name="loss"/>(p, step). With <paramref name="createGraph"/> the gradients are
    /// themselves differentiable, so the result's graph carries the second-order terms back to <paramref name="start"/>;
    /// without it the gradients are constants (first order), but the result still depends on <paramref name="start"/>
    /// through the identity path <c>p + update</c> (and on any tensors the optimizer holds, such as learned rates).
    /// </summary>
    public static ParameterSet Descend(ParameterSet start, Func<ParameterSet, int, Tensor> loss, int steps, bool createGraph, IGradientTransformation optimizer)
    {
        ParameterSet p = start;
        ParameterSet state = optimizer.Init(p);
        for (int s = 0; s < steps; s++)
        {
            Tensor l = loss(p, s);
            Tensor[] g = Autograd.Grad(l, p.Tensors, createGraph: createGraph);
            (ParameterSet updates, state) = optimizer.Update(Sets.Build(p.Names, g), state, p);
            p = Updates.Apply(p, updates);
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

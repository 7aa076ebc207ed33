namespace MetaLearn.Tensors;

/// <summary>
/// Reverse-mode differentiation. There is no global tape: the graph hangs off the tensors, so tasks on
/// different threads build and differentiate independent graphs. Gradient mode and anomaly detection are
/// thread-local and scoped with <c>using</c>.
/// </summary>
public static class Autograd
{
    [ThreadStatic] private static int t_noGradDepth;
    [ThreadStatic] private static int t_forceGradDepth;
    [ThreadStatic] private static int t_anomalyDepth;
    [ThreadStatic] private static string? t_runningBackwardOf;

    /// <summary>The op whose backward rule is running on this thread, for anomaly messages.</summary>
    internal static string? RunningBackwardOf => t_runningBackwardOf;

    /// <summary>Whether ops on this thread record graphs (false inside <see cref="NoGrad"/>).</summary>
    public static bool IsGradEnabled => t_forceGradDepth > 0 || t_noGradDepth == 0;

    /// <summary>Whether anomaly detection is on for this thread.</summary>
    public static bool IsAnomalyDetectionEnabled => t_anomalyDepth > 0;

    /// <summary>Stops recording on this thread until the returned scope is disposed (like <c>torch.no_grad()</c>).</summary>
    public static Scope NoGrad()
    {
        t_noGradDepth++;
        return new Scope(static () => t_noGradDepth--);
    }

    /// <summary>
    /// Checks every op result and every backward gradient on this thread for NaN/Inf until disposed,
    /// throwing an <see cref="AnomalyException"/> that names the first op that produced one. Slow: for debugging.
    /// </summary>
    public static Scope DetectAnomaly()
    {
        t_anomalyDepth++;
        return new Scope(static () => t_anomalyDepth--);
    }

    private static Scope EnableGrad()
    {
        t_forceGradDepth++;
        return new Scope(static () => t_forceGradDepth--);
    }

    /// <summary>The gradient of a scalar <paramref name="output"/> with respect to one input.</summary>
    public static Tensor Grad(Tensor output, Tensor input, bool createGraph = false, bool? retainGraph = null, bool allowUnused = false)
        => Grad([output], [input], null, createGraph, retainGraph, allowUnused)[0];

    /// <summary>The gradients of a scalar <paramref name="output"/> with respect to each of <paramref name="inputs"/>.</summary>
    public static Tensor[] Grad(Tensor output, IReadOnlyList<Tensor> inputs, bool createGraph = false, bool? retainGraph = null, bool allowUnused = false)
        => Grad([output], inputs, null, createGraph, retainGraph, allowUnused);

    /// <summary>
    /// Vector-Jacobian products, in the spirit of <c>torch.autograd.grad</c>: the sum over outputs of
    /// <c>gradOutputs[k]^T d outputs[k] / d inputs[i]</c> for each input.
    /// </summary>
    /// <param name="outputs">Tensors to differentiate.</param>
    /// <param name="inputs">Tensors to differentiate with respect to; each must require gradients.</param>
    /// <param name="gradOutputs">One tensor per output, shaped like it; may be null only when every output has one element.</param>
    /// <param name="createGraph">Record the backward pass so the result can be differentiated again (second-order MAML).
    /// When false the backward pass runs without recording: the fast path.</param>
    /// <param name="retainGraph">Keep the graph for another backward pass; defaults to <paramref name="createGraph"/>.
    /// Without it, the nodes walked are released and a second pass through them throws.</param>
    /// <param name="allowUnused">Return zeros for an input the outputs do not depend on, instead of throwing.</param>
    public static Tensor[] Grad(
        IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor>? gradOutputs = null,
        bool createGraph = false, bool? retainGraph = null, bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Count; i++)
        {
            if (!inputs[i].RequiresGrad)
            {
                throw new ArgumentException(
                    $"Grad: input {i} ({Describe(inputs[i])}) does not require grad, so no gradient can reach it. " +
                    "Call SetRequiresGrad() on it before using it in the computation.", nameof(inputs));
            }
        }

        using Walk walk = Walk.Rent();
        foreach (Tensor input in inputs)
        {
            walk.Targets.Add(input);
        }
        Dictionary<Tensor, Tensor> grads = Run(walk, outputs, gradOutputs, walk.Targets, createGraph, retainGraph ?? createGraph);

        var result = new Tensor[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            if (grads.TryGetValue(inputs[i], out Tensor? g))
            {
                result[i] = g;
            }
            else if (allowUnused)
            {
                result[i] = Tensor.ZerosLike(inputs[i]);
            }
            else
            {
                throw new InvalidOperationException(
                    $"Grad: input {i} ({Describe(inputs[i])}) is not used to compute the outputs. " +
                    "Pass allowUnused: true to get zeros for it instead.");
            }
        }
        return result;
    }

    /// <summary>
    /// Accumulates <c>d output / d leaf</c> into <see cref="Tensor.Grad"/> of every leaf that requires gradients,
    /// like <c>loss.backward()</c>. Built on the same walk as <see cref="Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor}?, bool, bool?, bool)"/>.
    /// </summary>
    /// <remarks>Accumulating into a leaf shared by graphs on several threads is a race: use <c>Grad</c> per thread instead.</remarks>
    public static void Backward(Tensor output, Tensor? gradOutput = null, bool createGraph = false, bool? retainGraph = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.RequiresGrad)
        {
            throw new InvalidOperationException($"Backward: {Describe(output)} does not require grad; no parameter that requires grad was used to compute it.");
        }
        using Walk walk = Walk.Rent();
        Dictionary<Tensor, Tensor> grads = Run(walk, [output], gradOutput is null ? null : [gradOutput], null, createGraph, retainGraph ?? createGraph);
        foreach ((Tensor leaf, Tensor g) in grads)
        {
            leaf.Grad = leaf.Grad is null ? g : (createGraph ? leaf.Grad + g : NoGradAdd(leaf.Grad, g));
            TensorScope.Persist(leaf.Grad); // a leaf's gradient outlives any TensorScope the pass ran in
        }
    }

    private static Tensor NoGradAdd(Tensor a, Tensor b)
    {
        using (NoGrad())
        {
            return a + b;
        }
    }

    /// <summary>
    /// The one graph walk. With <paramref name="targets"/> null it collects every leaf that requires grad
    /// (Backward); otherwise it prunes to nodes from which a target can be reached.
    /// </summary>
    private static Dictionary<Tensor, Tensor> Run(
        Walk walk, IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor>? gradOutputs, HashSet<Tensor>? targets, bool createGraph, bool retainGraph)
    {
        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
        {
            throw new ArgumentException($"Grad: {outputs.Count} outputs but {gradOutputs.Count} gradOutputs; give one per output.");
        }

        List<Tensor> order = TopologicalOrder(walk, outputs);
        HashSet<Tensor> reaches = walk.Reaches;
        foreach (Tensor t in order)
        {
            bool isTarget = targets is null ? t.IsLeaf && t.RequiresGrad : targets.Contains(t);
            if (isTarget || (t.Creator is { } fn && AnyIn(fn.Inputs, reaches)))
            {
                reaches.Add(t);
            }
        }

        Dictionary<Tensor, Tensor> grads = walk.Grads;
        using Scope mode = createGraph ? EnableGrad() : NoGrad();
        using GradientMemory? memory = GradientMemory.ForWalk(createGraph);
        for (int k = 0; k < outputs.Count; k++)
        {
            Tensor output = outputs[k];
            if (!output.RequiresGrad)
            {
                throw new ArgumentException($"Grad: output {k} ({Describe(output)}) does not require grad; it does not depend on any input.");
            }
            Tensor seed;
            if (gradOutputs is null)
            {
                if (output.Count != 1)
                {
                    throw new ArgumentException(
                        $"Grad: output {k} has shape {Shapes.Format(output.Shape)}; a gradient can only be implied for a one-element output. " +
                        "Pass gradOutputs (e.g. Tensor.OnesLike(output)) or reduce the output with Sum()/Mean() first.");
                }
                seed = Tensor.OnesLike(output);
            }
            else
            {
                seed = gradOutputs[k];
                if (!Shapes.Equal(seed.Shape, output.Shape) || seed.DType != output.DType)
                {
                    throw new ArgumentException(
                        $"Grad: gradOutputs[{k}] is {seed.DType.Name()} {Shapes.Format(seed.Shape)} but output {k} is {output.DType.Name()} {Shapes.Format(output.Shape)}; they must match.");
                }
            }
            Accumulate(grads, output, seed, memory);
        }

        for (int i = order.Count - 1; i >= 0; i--)
        {
            Tensor t = order[i];
            if (t.Creator is not { } fn || !reaches.Contains(t) || !grads.TryGetValue(t, out Tensor? g))
            {
                continue;
            }
            Tensor[] inputs = fn.Inputs;
            var needs = new bool[inputs.Length];
            bool any = false;
            for (int j = 0; j < inputs.Length; j++)
            {
                needs[j] = reaches.Contains(inputs[j]);
                any |= needs[j];
            }
            if (!any)
            {
                continue; // t is a target and nothing beyond it is wanted: stop here, as torch.autograd.grad does.
            }
            if (fn.Released)
            {
                throw new InvalidOperationException(
                    $"Grad: the graph through '{fn.Name}' (producing {Describe(t)}) was already freed by an earlier backward pass. " +
                    "Pass retainGraph: true (or createGraph: true) to the first Grad/Backward call if you need to go through it twice.");
            }
            Tensor?[] inputGrads;
            t_runningBackwardOf = fn.Name;
            try
            {
                inputGrads = memory is null ? fn.Backward(g, t, needs) : memory.RunRule(fn, g, t, needs);
            }
            finally
            {
                t_runningBackwardOf = null;
            }
            for (int j = 0; j < inputs.Length; j++)
            {
                if (!needs[j] || inputGrads[j] is not { } gj)
                {
                    continue;
                }
                Tensor summed = SumToShape(gj, inputs[j].ShapeArray);
                if (IsAnomalyDetectionEnabled)
                {
                    Anomaly.Check(summed, $"backward of '{fn.Name}' (gradient for input {j})");
                }
                Accumulate(grads, inputs[j], summed, memory);
                memory?.Consider(gj);
            }
            if (targets is null || !targets.Contains(t))
            {
                grads.Remove(t);
                memory?.Drop(g);
            }
            memory?.Collect();
            if (!retainGraph)
            {
                fn.Release();
            }
        }

        if (targets is null)
        {
            foreach (Tensor t in grads.Keys.ToList())
            {
                if (!(t.IsLeaf && t.RequiresGrad))
                {
                    grads.Remove(t);
                }
            }
        }
        memory?.Keep(grads.Values);
        return grads;
    }

    private static bool AnyIn(Tensor[] tensors, HashSet<Tensor> set)
    {
        foreach (Tensor t in tensors)
        {
            if (set.Contains(t))
            {
                return true;
            }
        }
        return false;
    }

    private static void Accumulate(Dictionary<Tensor, Tensor> grads, Tensor t, Tensor g, GradientMemory? memory)
    {
        if (grads.TryGetValue(t, out Tensor? existing))
        {
            Tensor sum = existing + g;
            grads[t] = sum;
            memory?.Hold(sum);
            memory?.Drop(existing);
            memory?.Consider(g);
        }
        else
        {
            grads[t] = g;
            memory?.Hold(g);
        }
    }

    /// <summary>The one place broadcast gradients are reduced: sums <paramref name="g"/> down to <paramref name="shape"/>.</summary>
    internal static Tensor SumToShape(Tensor g, int[] shape)
    {
        if (Shapes.Equal(g.Shape, shape))
        {
            return g;
        }
        int lead = g.Rank - shape.Length;
        var dims = new List<int>();
        for (int d = 0; d < g.Rank; d++)
        {
            if (d < lead || (shape[d - lead] == 1 && g.Shape[d] != 1))
            {
                dims.Add(d);
            }
        }
        return g.Sum(dims.ToArray(), keepDim: true).ReshapeOwned(shape);
    }

    /// <summary>Post-order (inputs before the tensors made from them) without recursion, so deep graphs cannot overflow the stack.</summary>
    private static List<Tensor> TopologicalOrder(Walk walk, IReadOnlyList<Tensor> outputs)
    {
        List<Tensor> order = walk.Order;
        HashSet<Tensor> visited = walk.Visited;
        Stack<(Tensor Node, int NextChild)> stack = walk.Stack;
        foreach (Tensor output in outputs)
        {
            if (!visited.Add(output))
            {
                continue;
            }
            stack.Push((output, 0));
            while (stack.Count > 0)
            {
                (Tensor node, int next) = stack.Pop();
                Function? fn = node.Creator;
                if (fn is not null && next < fn.Inputs.Length)
                {
                    stack.Push((node, next + 1));
                    Tensor child = fn.Inputs[next];
                    if (child.RequiresGrad && visited.Add(child))
                    {
                        stack.Push((child, 0));
                    }
                }
                else
                {
                    order.Add(node);
                }
            }
        }
        return order;
    }

    private static string Describe(Tensor t)
    {
        string what = t.Name is null ? "tensor" : $"'{t.Name}'";
        string op = t.Creator is null ? "leaf" : $"from '{t.Creator.Name}'";
        return $"{what} {Shapes.Format(t.Shape)} {op}";
    }

    /// <summary>Restores a thread-local mode when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Action? _exit;

        internal Scope(Action exit)
        {
            _exit = exit;
        }

        /// <summary>Leaves the scope.</summary>
        public void Dispose() => _exit?.Invoke();
    }

    /// <summary>
    /// The collections of one graph walk, reused by the next walk on this thread (a small model's meta-step runs dozens
    /// of walks; allocating and growing these each time was a tenth of it). Walks nest (a backward rule may take
    /// gradients), so each thread keeps a stack of spare ones.
    /// </summary>
    private sealed class Walk : IDisposable
    {
        [ThreadStatic] private static Stack<Walk>? t_spare;

        public HashSet<Tensor> Targets { get; } = new(TensorIdentity.Instance);

        public HashSet<Tensor> Reaches { get; } = new(TensorIdentity.Instance);

        public HashSet<Tensor> Visited { get; } = new(TensorIdentity.Instance);

        public Dictionary<Tensor, Tensor> Grads { get; } = new(TensorIdentity.Instance);

        public List<Tensor> Order { get; } = [];

        public Stack<(Tensor Node, int NextChild)> Stack { get; } = new();

        public static Walk Rent() => (t_spare ??= new Stack<Walk>()).TryPop(out Walk? walk) ? walk : new Walk();

        /// <summary>Empties the collections (dropping every tensor reference) and returns them to this thread's spares.</summary>
        public void Dispose()
        {
            Targets.Clear();
            Reaches.Clear();
            Visited.Clear();
            Grads.Clear();
            Order.Clear();
            Stack.Clear();
            (t_spare ??= new Stack<Walk>()).Push(this);
        }
    }

    /// <summary>Reference equality with the tensor's cheap <see cref="Tensor.IdentityHash"/>.</summary>
    private sealed class TensorIdentity : IEqualityComparer<Tensor>
    {
        public static readonly TensorIdentity Instance = new();

        public bool Equals(Tensor? x, Tensor? y) => ReferenceEquals(x, y);

        public int GetHashCode(Tensor t) => t.IdentityHash;
    }
}

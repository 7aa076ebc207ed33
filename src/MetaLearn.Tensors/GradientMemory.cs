namespace MetaLearn.Tensors;

/// <summary>
/// Gives the memory of a first-order backward pass back as it goes. A walk with <c>createGraph: false</c> inside a
/// <see cref="TensorScope"/> runs in a scope of its own: each backward rule runs in a nested scope that keeps only the
/// gradients it returns (its temporaries go back at once), and a gradient is given back as soon as no pending
/// gradient shares its memory. So the pass peaks at the gradients pending at one time, as in PyTorch, instead of
/// every gradient it ever made.
/// </summary>
/// <remarks>
/// Nothing but the walk's table of pending gradients can hold a tensor the walk made: without <c>createGraph</c> no op is
/// recorded, and backward rules keep nothing on their nodes. Views share memory, so the count is per
/// <see cref="PooledStorage"/>: a rule that hands the same gradient to two inputs (add) or returns a reshaped view of
/// it holds that memory twice.
/// </remarks>
internal sealed class GradientMemory : IDisposable
{
    private readonly TensorScope _walk;
    private readonly Dictionary<PooledStorage, int> _holders = new(ReferenceEqualityComparer.Instance);
    private readonly List<PooledStorage> _maybeDead = [];

    private GradientMemory(TensorScope walk)
    {
        _walk = walk;
    }

    /// <summary>Memory tracking for a walk, or null where nothing can be given back early (no scope, or a recorded pass).</summary>
    public static GradientMemory? ForWalk(bool createGraph) =>
        createGraph || TensorScope.Current is null ? null : new GradientMemory(TensorScope.Begin());

    /// <summary>Runs <paramref name="fn"/>'s backward rule in its own scope and keeps the gradients it returns.</summary>
    public Tensor?[] RunRule(Function fn, Tensor grad, Tensor output, bool[] needs)
    {
        using TensorScope scope = TensorScope.Begin();
        Tensor?[] grads = fn.Backward(grad, output, needs);
        foreach (Tensor? g in grads)
        {
            if (g is not null)
            {
                scope.Keep(g);
            }
        }
        return grads;
    }

    /// <summary>A pending gradient now holds <paramref name="t"/>'s memory.</summary>
    public void Hold(Tensor t)
    {
        if (Owned(t) is { } storage)
        {
            _holders[storage] = _holders.GetValueOrDefault(storage) + 1;
        }
    }

    /// <summary>A pending gradient no longer holds <paramref name="t"/>'s memory.</summary>
    public void Drop(Tensor t)
    {
        if (Owned(t) is { } storage && _holders.TryGetValue(storage, out int count))
        {
            _holders[storage] = count - 1;
        }
        Consider(t);
    }

    /// <summary>A tensor the walk made that may already be unreferenced (a rule's result that was summed into another).</summary>
    public void Consider(Tensor t)
    {
        if (Owned(t) is { } storage)
        {
            _maybeDead.Add(storage);
        }
    }

    /// <summary>Gives back the memory of the considered tensors that no pending gradient holds.</summary>
    public void Collect()
    {
        foreach (PooledStorage storage in _maybeDead)
        {
            if (!storage.Returned && _holders.GetValueOrDefault(storage) == 0)
            {
                _holders.Remove(storage);
                _walk.ReturnNow(storage);
            }
        }
        _maybeDead.Clear();
    }

    /// <summary>Keeps the walk's results in the enclosing scope.</summary>
    public void Keep(IEnumerable<Tensor> results)
    {
        foreach (Tensor t in results)
        {
            _walk.Keep(t);
        }
    }

    /// <summary>Ends the walk's scope: everything it made and did not keep goes back.</summary>
    public void Dispose() => _walk.Dispose();

    private PooledStorage? Owned(Tensor t) => t.Storage is { } s && s.Owner == _walk ? s : null;
}

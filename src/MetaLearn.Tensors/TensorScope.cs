namespace MetaLearn.Tensors;

/// <summary>
/// A region of code whose tensors give their memory back for reuse when it ends, instead of leaving it to the garbage
/// collector: <c>using (TensorScope scope = TensorScope.Begin()) { ...; result = scope.Keep(result); }</c>.
/// </summary>
/// <remarks>
/// <para>
/// Every tensor of at least 256 elements that an op, <see cref="Tensor.Zeros(int[], DType)"/>, <see cref="Tensor.Full"/>
/// or a gradient computation makes on this thread inside the scope is backed by a pooled array. When the scope is
/// disposed those arrays go back to the pool and the next scope, on any thread, reuses them. A meta-learner runs each
/// task of a meta-batch in a scope: the task's whole graph is dead once its gradient is taken, and the next task has
/// the same shapes, so after the first meta-step the engine allocates almost nothing.
/// </para>
/// <para>
/// A tensor that must outlive the scope is passed to <see cref="Keep(Tensor)"/>, which hands its memory to the
/// enclosing scope (or, outside every scope, to the garbage collector). Reading any other tensor of an ended scope, or
/// running a backward pass through one, throws an <see cref="InvalidOperationException"/> that says so: its memory may
/// already hold another tensor's values, and it is never read. Tensors made outside the scope, or from a .NET array
/// (<see cref="Tensor.FromArray(float[], int[])"/>, random draws), are never affected.
/// </para>
/// <para>
/// Scopes nest and belong to the thread that began them; they must be disposed on that thread, innermost first.
/// Updating long-lived state inside a scope (an optimizer's moments, a model's parameters) needs <see cref="Keep(Tensor)"/>
/// or must happen outside it. Batch-norm running statistics are kept automatically.
/// The pool holds the arrays it gets back, so its size is the most scoped memory ever live at once;
/// <see cref="ReleasePooledMemory"/> gives it to the collector (like <c>torch.cuda.empty_cache()</c>).
/// </para>
/// </remarks>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? t_current;

    private readonly TensorScope? _parent;
    private readonly int _threadId;
    private readonly List<PooledStorage> _lent = [];
    private bool _ended;

    private TensorScope(TensorScope? parent)
    {
        _parent = parent;
        _threadId = Environment.CurrentManagedThreadId;
    }

    /// <summary>The innermost scope open on this thread, or null.</summary>
    internal static TensorScope? Current => t_current;

    /// <summary>Bytes of memory the pool holds for reuse (arrays given back by ended scopes and not yet taken again).</summary>
    public static long PooledBytes => StoragePool.PooledBytes;

    /// <summary>Opens a scope on this thread, nested in the current one if any.</summary>
    public static TensorScope Begin()
    {
        var scope = new TensorScope(t_current);
        t_current = scope;
        return scope;
    }

    /// <summary>
    /// Runs <paramref name="body"/> with no scope open on this thread, so what it makes outlives every enclosing scope
    /// (for state such as running statistics that an op updates as a side effect).
    /// </summary>
    internal static T Outside<T>(Func<T> body)
    {
        TensorScope? saved = t_current;
        t_current = null;
        try
        {
            return body();
        }
        finally
        {
            t_current = saved;
        }
    }

    /// <summary>Gives every pooled array to the garbage collector. Open scopes and their tensors are not affected.</summary>
    public static void ReleasePooledMemory() => StoragePool.Clear();

    /// <summary>
    /// Lets <paramref name="tensor"/> outlive this scope: its memory (shared with its views) passes to the enclosing scope,
    /// or to the garbage collector outside every scope. Returns the same tensor. Its graph is not kept: the tensors it was
    /// computed from still end with the scope, so keep values (a gradient, a loss, a prediction), not a graph to
    /// differentiate later.
    /// </summary>
    /// <exception cref="InvalidOperationException">The scope has ended, or the tensor's memory was already given back.</exception>
    public Tensor Keep(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckOpen("Keep");
        if (tensor.Storage is { } storage)
        {
            tensor.CheckNotReturned();
            if (storage.Owner == this)
            {
                storage.Owner = _parent;
                _parent?._lent.Add(storage);
            }
        }
        return tensor;
    }

    /// <summary><see cref="Keep(Tensor)"/> for each tensor; returns the same array.</summary>
    public Tensor[] Keep(Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (Tensor t in tensors)
        {
            Keep(t);
        }
        return tensors;
    }

    /// <summary>Ends the scope: the memory of its tensors (all but the kept ones) goes back to the pool.</summary>
    /// <exception cref="InvalidOperationException">Disposed on another thread, or while a scope begun inside it is still open.</exception>
    public void Dispose()
    {
        if (_ended)
        {
            return;
        }
        if (Environment.CurrentManagedThreadId != _threadId)
        {
            throw new InvalidOperationException("TensorScope: a scope must be disposed on the thread that began it.");
        }
        if (!ReferenceEquals(t_current, this))
        {
            throw new InvalidOperationException("TensorScope: a scope begun inside this one is still open; dispose scopes innermost first (a using block does).");
        }
        _ended = true;
        t_current = _parent;
        var arrays = new List<Array>(_lent.Count);
        foreach (PooledStorage storage in _lent)
        {
            if (storage.Owner == this)
            {
                storage.Returned = true;
                arrays.Add(storage.Array);
            }
        }
        _lent.Clear();
        StoragePool.Return(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(arrays));
    }

    /// <summary>
    /// Hands <paramref name="tensor"/>'s memory to the garbage collector for good, whichever scope lent it, for values
    /// stored in long-lived state (a leaf's accumulated gradient).
    /// </summary>
    internal static void Persist(Tensor tensor)
    {
        if (tensor.Storage is { } storage)
        {
            tensor.CheckNotReturned();
            storage.Owner = null;
        }
    }

    /// <summary>
    /// Marks <paramref name="storage"/>, lent by this scope and no longer used, as given back before the scope ends, and adds
    /// its array to <paramref name="arrays"/> for one <see cref="StoragePool.Return"/> of the batch.
    /// </summary>
    internal void ReturnEarly(PooledStorage storage, List<Array> arrays)
    {
        if (storage.Owner != this)
        {
            throw new InvalidOperationException("TensorScope: only memory this scope lent can be given back early.");
        }
        storage.Owner = null;
        storage.Returned = true;
        arrays.Add(storage.Array);
    }

    /// <summary>How many storages this scope has lent so far (a mark for <see cref="LentSince"/>).</summary>
    internal int LentCount => _lent.Count;

    /// <summary>The storages lent after <paramref name="mark"/> (a <see cref="LentCount"/>), in order.</summary>
    internal ReadOnlySpan<PooledStorage> LentSince(int mark) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_lent)[mark..];

    /// <summary>Backing memory for a new tensor of <paramref name="count"/> elements, lent until this scope ends.</summary>
    internal PooledStorage Rent(DType dtype, int count) => Lend(StoragePool.Rent(dtype, count));

    /// <summary>An <c>int[]</c> of at least <paramref name="count"/> elements for <see cref="Positions"/>, lent until this scope ends.</summary>
    internal PooledStorage RentInts(int count) => Lend(StoragePool.RentInts(count));

    private PooledStorage Lend(Array array)
    {
        var storage = new PooledStorage(array, this);
        _lent.Add(storage);
        return storage;
    }

    private void CheckOpen(string what)
    {
        if (_ended)
        {
            throw new InvalidOperationException($"TensorScope.{what}: the scope has already ended; keep tensors before disposing it.");
        }
    }
}

namespace MetaLearn.Tensors;

/// <summary>
/// Integer positions an op keeps for its backward rule: the argmax of each pooling window, a gather's indices. Made inside
/// a <see cref="TensorScope"/>, their memory is lent by the scope like a tensor's, and reading them after it ended throws.
/// </summary>
internal sealed class Positions
{
    private readonly int[] _values;
    private readonly PooledStorage? _storage;

    private Positions(int[] values, PooledStorage? storage, int count)
    {
        _values = values;
        _storage = storage;
        Count = count;
    }

    public int Count { get; }

    /// <summary>The positions; the op that allocated them writes every one.</summary>
    /// <exception cref="InvalidOperationException">They were made in a <see cref="TensorScope"/> that has ended.</exception>
    public Span<int> Span
    {
        get
        {
            if (_storage is { Returned: true })
            {
                throw new InvalidOperationException(
                    "A graph node's saved positions were made inside a TensorScope that has ended; the graph cannot be differentiated after it.");
            }
            return _values.AsSpan(0, Count);
        }
    }

    /// <summary>Wraps <paramref name="values"/> (not copied).</summary>
    public static Positions Of(int[] values) => new(values, null, values.Length);

    /// <summary>Room for <paramref name="count"/> positions, unwritten; lent by the current scope when there is one.</summary>
    public static Positions Allocate(int count)
    {
        if (count >= StoragePool.MinElements && TensorScope.Current is { } scope)
        {
            PooledStorage storage = scope.RentInts(count);
            return new Positions((int[])storage.Array, storage, count);
        }
        return new Positions(GC.AllocateUninitializedArray<int>(count), null, count);
    }
}

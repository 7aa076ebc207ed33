using System.Numerics;

namespace MetaLearn.Tensors;

/// <summary>
/// An n-dimensional array of <see cref="DType.Float32"/> or <see cref="DType.Float64"/> values that records
/// the operations applied to it, so gradients of any order can be taken with <c>Autograd.Grad</c>.
/// </summary>
/// <remarks>
/// Values are immutable once a tensor is made, which is what lets <see cref="Reshape"/> share storage and
/// lets tasks on different threads read the same parameters while building their own graphs.
/// Storage is contiguous and row-major.
/// </remarks>
public sealed partial class Tensor
{
    [ThreadStatic] private static int t_nextHash;
    private readonly Array _data;
    private readonly int[] _shape;
    private bool _requiresGrad;

    internal Tensor(Array data, int[] shape, DType dtype)
        : this(data, null, shape, dtype)
    {
    }

    private Tensor(Array data, PooledStorage? storage, int[] shape, DType dtype)
    {
        _data = data;
        Storage = storage;
        _shape = shape;
        DType = dtype;
        Count = Shapes.Size(shape);
        IdentityHash = ++t_nextHash * -1640531535; // spread a per-thread counter (golden-ratio multiplier)
    }

    /// <summary>
    /// A hash for identity-keyed sets in graph walks. Equality stays reference equality; this only avoids
    /// the object-header hash that RuntimeHelpers.GetHashCode would install on every tensor walked.
    /// </summary>
    internal int IdentityHash { get; }

    /// <summary>The dimensions, outermost first. Empty for a scalar.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements.</summary>
    public int Count { get; }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>An optional label shown by <see cref="ToString"/> and in error messages.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Whether gradients flow to this tensor: set on leaves (parameters); always true for results of
    /// recorded ops on such tensors. Setting it on a non-leaf throws.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad || Creator is not null;
        set
        {
            if (Creator is not null)
            {
                throw new InvalidOperationException(
                    $"RequiresGrad can only be set on a leaf tensor; this one was produced by '{Creator.Name}'. Use Detach() to get a leaf.");
            }
            _requiresGrad = value;
        }
    }

    /// <summary>True when the tensor was not produced by a recorded op (a parameter, an input or a constant).</summary>
    public bool IsLeaf => Creator is null;

    /// <summary>The gradient accumulated into this leaf by <see cref="Backward"/>; null until then.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The recorded op that produced this tensor, or null for a leaf.</summary>
    internal Function? Creator { get; set; }

    /// <summary>The backing array: <c>float[]</c> or <c>double[]</c>, at least <see cref="Count"/> long.</summary>
    /// <exception cref="InvalidOperationException">The tensor was made in a <see cref="TensorScope"/> that has ended.</exception>
    internal Array Data
    {
        get
        {
            CheckNotReturned();
            return _data;
        }
    }

    /// <summary>The pooled memory lent by a <see cref="TensorScope"/>, shared with every view; null for collector-owned memory.</summary>
    internal PooledStorage? Storage { get; }

    /// <summary>A new tensor over the same values (and the same scope-lent memory) with <paramref name="shape"/>, which it takes ownership of.</summary>
    internal Tensor View(int[] shape) => new(Data, Storage, shape, DType);

    /// <summary>Throws when this tensor's memory went back to the pool with the end of its scope.</summary>
    internal void CheckNotReturned()
    {
        if (Storage is { Returned: true })
        {
            throw new InvalidOperationException(
                $"This {DType.Name()} tensor of shape {Shapes.Format(_shape)}{(Creator is null ? "" : $" (from '{Creator.Name}')")} was made inside a TensorScope " +
                "that has ended, and its memory has been reused. Keep it with scope.Keep(tensor) before the scope ends, or make it outside the scope.");
        }
    }

    internal int[] ShapeArray => _shape;

    /// <summary>The size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public int Size(int dim) => _shape[Shapes.NormalizeDim("Size", dim, Rank)];

    /// <summary>Marks this leaf as requiring gradients and returns it, for fluent parameter creation.</summary>
    public Tensor SetRequiresGrad(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    /// <summary>A tensor sharing these values but cut from the graph: no gradient flows through it.</summary>
    public Tensor Detach()
    {
        Tensor detached = View(_shape);
        detached.Name = Name;
        return detached;
    }

    /// <summary>The only value of a one-element tensor.</summary>
    public double Item()
    {
        if (Count != 1)
        {
            throw new InvalidOperationException($"Item() needs a tensor with one element; this one has shape {Shapes.Format(_shape)}.");
        }
        return this[0];
    }

    /// <summary>The element at a flat (row-major) position, as a double.</summary>
    [System.Runtime.CompilerServices.IndexerName("FlatElement")]
    public double this[int flatIndex]
    {
        get
        {
            if ((uint)flatIndex >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(flatIndex), $"Flat index {flatIndex} is outside a tensor of {Count} elements.");
            }
            return DType == DType.Float32 ? ((float[])Data)[flatIndex] : ((double[])Data)[flatIndex];
        }
    }

    /// <summary>The element at a multi-dimensional index, as a double.</summary>
    public double At(params int[] index)
    {
        if (index.Length != Rank)
        {
            throw new ArgumentException($"At: {index.Length} indices given for a tensor of rank {Rank}.");
        }
        int flat = 0;
        for (int d = 0; d < Rank; d++)
        {
            if ((uint)index[d] >= (uint)_shape[d])
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"At: index {index[d]} is out of range for dimension {d} of size {_shape[d]}.");
            }
            flat = flat * _shape[d] + index[d];
        }
        return this[flat];
    }

    /// <summary>A copy of the values as floats (converting if the tensor is float64).</summary>
    public float[] ToFloatArray() => DType == DType.Float32
        ? ((float[])Data).AsSpan(0, Count).ToArray()
        : Array.ConvertAll(((double[])Data)[..Count], v => (float)v);

    /// <summary>A copy of the values as doubles (converting if the tensor is float32).</summary>
    public double[] ToDoubleArray() => DType == DType.Float64
        ? ((double[])Data).AsSpan(0, Count).ToArray()
        : Array.ConvertAll(((float[])Data)[..Count], v => (double)v);

    /// <summary>A copy converted to <paramref name="dtype"/>. The copy is a leaf: no gradient flows back through a conversion.</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType)
        {
            return Detach();
        }
        return dtype == DType.Float64 ? FromArray(ToDoubleArray(), _shape) : FromArray(ToFloatArray(), _shape);
    }

    /// <summary>The values as a span; <typeparamref name="T"/> must match <see cref="DType"/>.</summary>
    internal Span<T> Span<T>() where T : unmanaged => ((T[])Data).AsSpan(0, Count);

    internal void CheckSameDType(string op, Tensor other)
    {
        if (other.DType != DType)
        {
            throw new ArgumentException(
                $"{op}: dtype mismatch, {DType.Name()} {Shapes.Format(_shape)} vs {other.DType.Name()} {Shapes.Format(other._shape)}. " +
                $"Convert one operand with .To(DType.{DType}) or .To(DType.{other.DType}).");
        }
    }

    /// <summary>
    /// A tensor over memory that an op fills (<paramref name="zeroed"/> false: contents unspecified); takes ownership of
    /// <paramref name="shape"/>. Inside a <see cref="TensorScope"/> the memory is lent by the scope.
    /// </summary>
    internal static Tensor Allocate(int[] shape, DType dtype, bool zeroed)
    {
        int count = Shapes.Size(shape);
        if (count >= StoragePool.MinElements && TensorScope.Current is { } scope)
        {
            PooledStorage storage = scope.Rent(dtype, count);
            var pooled = new Tensor(storage.Array, storage, shape, dtype);
            if (zeroed)
            {
                Array.Clear(storage.Array, 0, count);
            }
            return pooled;
        }
        Array data = (zeroed, dtype) switch
        {
            (true, DType.Float32) => new float[count],
            (true, _) => new double[count],
            (false, DType.Float32) => GC.AllocateUninitializedArray<float>(count),
            _ => GC.AllocateUninitializedArray<double>(count),
        };
        return new Tensor(data, shape, dtype);
    }
}

namespace MetaLearn.Tensors;

/// <summary>
/// The backing array of a tensor made inside a <see cref="TensorScope"/>, shared by every view of it. Once its scope
/// ends the array goes back to <see cref="StoragePool"/> and <see cref="Returned"/> is set, so a tensor that outlived
/// its scope throws on access instead of reading memory that now belongs to another tensor.
/// </summary>
internal sealed class PooledStorage(Array array, TensorScope owner)
{
    public Array Array { get; } = array;

    /// <summary>The scope that gives the array back when it ends; null once kept past the outermost scope.</summary>
    public TensorScope? Owner { get; set; } = owner;

    public bool Returned { get; set; }

    /// <summary>How many pending gradients of a backward pass share this memory (<see cref="GradientMemory"/>; only while the walk owns it).</summary>
    public int Holders { get; set; }
}

/// <summary>
/// Arrays given back by ended <see cref="TensorScope"/>s, by element type and size class, for the next scope to reuse.
/// </summary>
/// <remarks>
/// Reusing arrays is what keeps large activations off the garbage collector: without it, every meta-step of an image
/// model allocated gigabytes that the collector returned to the kernel and got back as freshly faulted, zeroed pages
/// (28% of a second-order MAML step on Omniglot was kernel time). Sizes are rounded up to eight classes per power of
/// two (at most 12.5% over), so shapes that differ slightly still share arrays; the tasks of a meta-batch repeat
/// the same shapes and reuse exactly. The pool keeps what it is given until <see cref="Clear"/>: its size is the
/// largest amount of scoped memory ever live at once, as with PyTorch's caching allocator.
/// </remarks>
internal static class StoragePool
{
    /// <summary>
    /// Smaller tensors are cheap for the collector (they die young in gen0) and are not pooled. At 1,024, second-order
    /// MAML on sinusoids (10 x 40 activations) allocated 3.2 MB a step and spent a quarter of it in the collector; at 256,
    /// 2.0 MB and 3% faster; 64 is no different.
    /// </summary>
    public const int MinElements = 256;

    private static readonly Dictionary<long, Stack<Array>> s_free = [];
    private static readonly object s_lock = new();
    private static long s_pooledBytes;

    /// <summary>Bytes held by arrays waiting for reuse.</summary>
    public static long PooledBytes
    {
        get
        {
            lock (s_lock)
            {
                return s_pooledBytes;
            }
        }
    }

    /// <summary>The length of the array that holds <paramref name="count"/> elements: <paramref name="count"/> rounded up to its size class.</summary>
    public static int Capacity(int count)
    {
        if (count <= MinElements)
        {
            return MinElements;
        }
        int step = 1 << Math.Max(0, 28 - int.LeadingZeroCount(count - 1)); // a sixteenth of the power of two at or above count: eight classes per octave
        long rounded = ((long)count + step - 1) / step * step;
        return (int)Math.Min(rounded, Array.MaxLength);
    }

    /// <summary>An array of at least <paramref name="count"/> elements with unspecified contents.</summary>
    public static Array Rent(DType dtype, int count) => Rent(dtype == DType.Float32 ? Kind.Float32 : Kind.Float64, count);

    /// <summary>An <c>int[]</c> of at least <paramref name="count"/> elements with unspecified contents.</summary>
    public static int[] RentInts(int count) => (int[])Rent(Kind.Int32, count);

    private static Array Rent(Kind kind, int count)
    {
        int capacity = Capacity(count);
        lock (s_lock)
        {
            if (s_free.TryGetValue(Key(kind, capacity), out Stack<Array>? stack) && stack.TryPop(out Array? array))
            {
                s_pooledBytes -= Bytes(array);
                return array;
            }
        }
        return kind switch
        {
            Kind.Float32 => GC.AllocateUninitializedArray<float>(capacity),
            Kind.Float64 => GC.AllocateUninitializedArray<double>(capacity),
            _ => GC.AllocateUninitializedArray<int>(capacity),
        };
    }

    /// <summary>
    /// Test aid: fill every returned array with NaN, so an op that reads memory it did not write (or a tensor of an
    /// ended scope read by mistake) gives NaN instead of a plausible stale value. Test assemblies switch it on at load.
    /// </summary>
    internal static bool PoisonReturned { get; set; }

    /// <summary>Takes back arrays from <see cref="Rent(DType, int)"/> and <see cref="RentInts"/>.</summary>
    public static void Return(ReadOnlySpan<Array> arrays)
    {
        if (PoisonReturned)
        {
            foreach (Array array in arrays)
            {
                switch (array)
                {
                    case float[] f:
                        f.AsSpan().Fill(float.NaN);
                        break;
                    case double[] d:
                        d.AsSpan().Fill(double.NaN);
                        break;
                    default:
                        ((int[])array).AsSpan().Clear(); // positions: stale ones would point at the first element
                        break;
                }
            }
        }
        lock (s_lock)
        {
            foreach (Array array in arrays)
            {
                long key = Key(KindOf(array), array.Length);
                if (!s_free.TryGetValue(key, out Stack<Array>? stack))
                {
                    s_free[key] = stack = new Stack<Array>();
                }
                stack.Push(array);
                s_pooledBytes += Bytes(array);
            }
        }
    }

    /// <summary>Drops every pooled array, leaving them to the garbage collector.</summary>
    public static void Clear()
    {
        lock (s_lock)
        {
            s_free.Clear();
            s_pooledBytes = 0;
        }
    }

    private enum Kind
    {
        Float32,
        Float64,
        Int32,
    }

    private static Kind KindOf(Array array) => array switch
    {
        float[] => Kind.Float32,
        double[] => Kind.Float64,
        _ => Kind.Int32,
    };

    private static long Key(Kind kind, int capacity) => ((long)capacity << 2) | (long)kind;

    private static long Bytes(Array array) => (long)array.Length * (array is double[] ? sizeof(double) : sizeof(float));
}

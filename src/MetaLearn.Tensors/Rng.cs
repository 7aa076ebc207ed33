namespace MetaLearn.Tensors;

/// <summary>
/// A seeded, splittable pseudo-random generator (xoshiro256**, seeded through SplitMix64).
/// There is no shared instance: every random API takes one, so a run is reproducible from its seeds.
/// </summary>
/// <remarks>Not thread-safe: give each thread its own stream with <see cref="Split()"/>.</remarks>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    /// <summary>Creates a generator whose whole sequence is fixed by <paramref name="seed"/>.</summary>
    public Rng(ulong seed)
    {
        Seed = seed;
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The seed this generator was created from (for logs and checkpoints).</summary>
    public ulong Seed { get; }

    /// <summary>
    /// A new generator for an independent stream. Advances this one by one draw, so the same sequence of
    /// splits from the same seed always gives the same children.
    /// </summary>
    public Rng Split()
    {
        // Mix the draw with a constant so a child never starts on its parent's next state.
        ulong draw = NextUInt64() ^ 0x9E3779B97F4A7C15UL;
        return new Rng(SplitMix(ref draw));
    }

    /// <summary><paramref name="count"/> independent generators, e.g. one per task of a meta-batch.</summary>
    public Rng[] Split(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var children = new Rng[count];
        for (int i = 0; i < count; i++)
        {
            children[i] = Split();
        }
        return children;
    }

    /// <summary>64 uniformly random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [low, high).</summary>
    public double NextDouble(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>A uniform integer in [0, maxExclusive), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong bound = (ulong)maxExclusive;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold)
            {
                return (int)(r % bound);
            }
        }
    }

    /// <summary>A standard normal sample (Box–Muller; the second value of each pair is kept for the next call).</summary>
    public double NextNormal()
    {
        if (_spareNormal is double spare)
        {
            _spareNormal = null;
            return spare;
        }
        double u1;
        do
        {
            u1 = NextDouble();
        }
        while (u1 <= double.Epsilon);
        double u2 = NextDouble();
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = radius * Math.Sin(2.0 * Math.PI * u2);
        return radius * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary><paramref name="count"/> distinct integers from [0, n), in random order.</summary>
    public int[] Choose(int n, int count)
    {
        if (count < 0 || count > n)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Cannot choose {count} distinct values from {n}.");
        }
        var all = new int[n];
        for (int i = 0; i < n; i++)
        {
            all[i] = i;
        }
        // Partial Fisher–Yates: only the first `count` positions are drawn.
        for (int i = 0; i < count; i++)
        {
            int j = i + NextInt(n - i);
            (all[i], all[j]) = (all[j], all[i]);
        }
        return all[..count];
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

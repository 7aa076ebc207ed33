namespace MetaLearn.Data;

/// <summary>
/// Every class of a square-image dataset, repeated once per rotation as a separate class (Santoro et al. 2016;
/// Vinyals et al. 2016): class (c * Rotations.Count + r) is class c turned counter-clockwise by
/// Rotations[r] x 90 degrees. With the default {0, 1, 2, 3} the 1,200 Vinyals training characters become
/// 4,800 classes.
/// </summary>
public sealed class RotatedClasses : ILabeledDataset
{
    private readonly ILabeledDataset _inner;
    private readonly int[] _turns;

    /// <summary>Creates the view; <paramref name="quarterTurns"/> are distinct values in 0..3 (default all four).</summary>
    public RotatedClasses(ILabeledDataset inner, IReadOnlyList<int>? quarterTurns = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _turns = [.. quarterTurns ?? [0, 1, 2, 3]];
        ClassRotation.CheckTurns(_turns, nameof(RotatedClasses));
        ClassRotation.CheckSquare(inner, nameof(RotatedClasses));
    }

    /// <summary>The quarter turns each source class is repeated with.</summary>
    public IReadOnlyList<int> Rotations => _turns;

    /// <inheritdoc/>
    public string Name => $"{_inner.Name} x{_turns.Length} rotations";

    /// <inheritdoc/>
    public int ClassCount => _inner.ClassCount * _turns.Length;

    /// <inheritdoc/>
    public IReadOnlyList<int> SampleShape => _inner.SampleShape;

    /// <summary>The source class and quarter turns of class <paramref name="classIndex"/>.</summary>
    public (int SourceClass, int QuarterTurns) Source(int classIndex) => (classIndex / _turns.Length, _turns[classIndex % _turns.Length]);

    /// <inheritdoc/>
    public string ClassName(int classIndex)
    {
        var (c, t) = Source(classIndex);
        return ClassRotation.Describe(_inner.ClassName(c), t);
    }

    /// <inheritdoc/>
    public int SampleCount(int classIndex) => _inner.SampleCount(classIndex / _turns.Length);

    /// <inheritdoc/>
    public void ReadSample(int classIndex, int sampleIndex, Span<float> destination)
    {
        this.CheckIndex(classIndex, sampleIndex);
        var (c, t) = Source(classIndex);
        ClassRotation.ReadRotated(_inner, c, sampleIndex, t, destination);
    }
}

using MetaLearn.Tensors;

namespace MetaLearn.Data;

/// <summary>
/// Turns all samples of each task class by one random multiple of 90 degrees, so a rotated character acts as a
/// new class (learn2learn's <c>RandomClassRotation</c>; the augmentation of Santoro et al. 2016 used by MAML and
/// ProtoNets). For a fixed set of rotated classes instead, wrap the dataset in <see cref="RotatedClasses"/>.
/// </summary>
public sealed class ClassRotation : ITaskTransform
{
    private readonly int[] _turns;

    /// <summary>Creates the transform; <paramref name="quarterTurns"/> are distinct values in 0..3 (default all four: 0, 90, 180, 270 degrees).</summary>
    public ClassRotation(IReadOnlyList<int>? quarterTurns = null)
    {
        _turns = [.. quarterTurns ?? [0, 1, 2, 3]];
        CheckTurns(_turns, nameof(ClassRotation));
    }

    /// <summary>The quarter turns a class may receive.</summary>
    public IReadOnlyList<int> QuarterTurns => _turns;

    /// <inheritdoc/>
    public void Validate(ILabeledDataset dataset) => CheckSquare(dataset, nameof(ClassRotation));

    /// <inheritdoc/>
    public void Apply(TaskDraft draft, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(rng);
        var turns = new int[draft.Classes.Length];
        for (int i = 0; i < turns.Length; i++)
        {
            turns[i] = _turns[rng.NextInt(_turns.Length)];
        }
        draft.QuarterTurns = turns;
    }

    /// <inheritdoc/>
    public override string ToString() => $"ClassRotation({string.Join(", ", _turns.Select(t => t * 90))} degrees)";

    internal static string Describe(string className, int quarterTurns) => quarterTurns == 0 ? className : $"{className} rot{quarterTurns * 90}";

    internal static void CheckTurns(int[] turns, string who)
    {
        if (turns.Length == 0 || turns.Any(t => t is < 0 or > 3) || turns.Distinct().Count() != turns.Length)
        {
            throw new ArgumentException($"{who}: quarter turns [{string.Join(", ", turns)}] must be distinct values in 0..3 (0, 90, 180, 270 degrees).");
        }
    }

    internal static void CheckSquare(ILabeledDataset dataset, string who)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        IReadOnlyList<int> s = dataset.SampleShape;
        if (s.Count < 2 || s[^1] != s[^2])
        {
            throw new ArgumentException($"{who}: rotations need square images [..., size, size], but {dataset.Name} has samples of shape [{string.Join(", ", s)}].");
        }
    }

    /// <summary>
    /// Reads a sample and turns it; the leading dimensions are treated as channels. The sample is read straight
    /// into <paramref name="destination"/> and turned there, so a rotated class costs no temporary buffer.
    /// </summary>
    internal static void ReadRotated(ILabeledDataset dataset, int classIndex, int sampleIndex, int quarterTurns, Span<float> destination)
    {
        dataset.ReadSample(classIndex, sampleIndex, destination);
        if (quarterTurns != 0)
        {
            int size = dataset.SampleShape[^1];
            ImageRotation.RotateInPlace(destination, destination.Length / (size * size), size, quarterTurns);
        }
    }
}

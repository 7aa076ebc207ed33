namespace MetaLearn.Data;

/// <summary>
/// A classification dataset indexed by class: class c has <see cref="SampleCount"/>(c) samples, each a float32
/// array of shape <see cref="SampleShape"/>. Implementations may decode lazily; reading must be safe from
/// several threads at once.
/// </summary>
public interface ILabeledDataset
{
    /// <summary>A short name used in error messages, e.g. the zip or folder it was read from.</summary>
    string Name { get; }

    /// <summary>Number of classes.</summary>
    int ClassCount { get; }

    /// <summary>Shape of one sample, e.g. [1, 28, 28] (channels, height, width).</summary>
    IReadOnlyList<int> SampleShape { get; }

    /// <summary>A readable, unique name of class <paramref name="classIndex"/>.</summary>
    string ClassName(int classIndex);

    /// <summary>Number of samples of class <paramref name="classIndex"/>.</summary>
    int SampleCount(int classIndex);

    /// <summary>Writes sample <paramref name="sampleIndex"/> of class <paramref name="classIndex"/> into <paramref name="destination"/>.</summary>
    void ReadSample(int classIndex, int sampleIndex, Span<float> destination);
}

/// <summary>Helpers shared by every <see cref="ILabeledDataset"/>.</summary>
public static class LabeledDatasetExtensions
{
    /// <summary>Number of floats in one sample (the product of <see cref="ILabeledDataset.SampleShape"/>).</summary>
    public static int SampleSize(this ILabeledDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int size = 1;
        foreach (int d in dataset.SampleShape)
        {
            size *= d;
        }
        return size;
    }

    /// <summary>Total number of samples over all classes.</summary>
    public static long TotalSamples(this ILabeledDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        long total = 0;
        for (int c = 0; c < dataset.ClassCount; c++)
        {
            total += dataset.SampleCount(c);
        }
        return total;
    }

    /// <summary>Reads one sample into a new array.</summary>
    public static float[] ReadSample(this ILabeledDataset dataset, int classIndex, int sampleIndex)
    {
        var result = new float[dataset.SampleSize()];
        dataset.ReadSample(classIndex, sampleIndex, result);
        return result;
    }

    /// <summary>Throws a clear error when <paramref name="classIndex"/> or <paramref name="sampleIndex"/> is out of range.</summary>
    internal static void CheckIndex(this ILabeledDataset dataset, int classIndex, int sampleIndex)
    {
        if ((uint)classIndex >= (uint)dataset.ClassCount)
        {
            throw new ArgumentOutOfRangeException(nameof(classIndex), $"{dataset.Name}: class {classIndex} does not exist; there are {dataset.ClassCount} classes.");
        }
        if ((uint)sampleIndex >= (uint)dataset.SampleCount(classIndex))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleIndex),
                $"{dataset.Name}: class '{dataset.ClassName(classIndex)}' has {dataset.SampleCount(classIndex)} samples, so sample {sampleIndex} does not exist.");
        }
    }
}

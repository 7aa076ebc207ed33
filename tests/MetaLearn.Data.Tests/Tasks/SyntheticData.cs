using MetaLearn.Data;

namespace MetaLearn.Data.Tests.Tasks;

/// <summary>Small in-memory datasets whose pixels say which class and sample they are.</summary>
internal static class SyntheticData
{
    /// <summary>Class c, sample i is a [1, size, size] image with pixel 0 = c * 1000 + i and pixel k = k elsewhere.</summary>
    public static InMemoryDataset Make(int classes, int samplesPerClass, int size = 3, string name = "synthetic")
    {
        var data = new List<IReadOnlyList<float[]>>();
        for (int c = 0; c < classes; c++)
        {
            var samples = new List<float[]>();
            for (int i = 0; i < samplesPerClass; i++)
            {
                var x = new float[size * size];
                for (int k = 1; k < x.Length; k++)
                {
                    x[k] = k;
                }
                x[0] = (c * 1000) + i;
                samples.Add(x);
            }
            data.Add(samples);
        }
        return new InMemoryDataset(name, [1, size, size], [.. Enumerable.Range(0, classes).Select(c => $"class{c:D3}")], data);
    }

    /// <summary>Decodes pixel 0 back into (class, sample).</summary>
    public static (int Class, int Sample) Identify(float[] values, int row, int sampleSize)
    {
        int id = (int)values[row * sampleSize];
        return (id / 1000, id % 1000);
    }
}

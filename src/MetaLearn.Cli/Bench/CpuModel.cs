namespace MetaLearn.Cli.Bench;

/// <summary>The processor's model name, printed beside benchmark results and by <c>metalearn info</c>: a ratio against
/// PyTorch means little without the machine it was measured on.</summary>
internal static class CpuModel
{
    private const string CpuInfo = "/proc/cpuinfo";

    /// <summary>The first "model name" of /proc/cpuinfo, or "unknown (...)" saying why there is none.</summary>
    public static string Read()
    {
        if (!File.Exists(CpuInfo))
        {
            return $"unknown (no {CpuInfo})";
        }
        return Parse(File.ReadAllText(CpuInfo)) ?? $"unknown (no \"model name\" in {CpuInfo})";
    }

    /// <summary>The value of the first <c>model name</c> line of /proc/cpuinfo text, or null (ARM kernels, for one, print none).</summary>
    internal static string? Parse(string cpuinfo)
    {
        foreach (string line in cpuinfo.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == "model name" && line[(colon + 1)..].Trim() is { Length: > 0 } name)
            {
                return name;
            }
        }
        return null;
    }
}

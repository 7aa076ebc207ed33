namespace MetaLearn.Cli.Bench;

/// <summary>One workload measured on one side: milliseconds per step for each repetition, peak RSS, allocation, and
/// for PyTorch the BLAS kernels its process ran (OpenBLAS core name and build configuration, or "unknown").</summary>
internal sealed record BenchResult(
    string Workload, string Side, int Threads, double[] Ms, double RssMb, double? AllocMbPerStep, string? BlasCore = null, string? BlasConfig = null)
{
    public double MedianMs
    {
        get
        {
            double[] sorted = Ms.Order().ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }
}

namespace MetaLearn.Cli.Bench;

/// <summary>One workload measured on one side: milliseconds per step for each repetition, peak RSS, allocation.</summary>
internal sealed record BenchResult(string Workload, string Side, int Threads, double[] Ms, double RssMb, double? AllocMbPerStep)
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

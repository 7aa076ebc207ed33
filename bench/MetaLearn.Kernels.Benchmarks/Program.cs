// Kernel benchmarks.
//   dotnet run -c Release --project bench/MetaLearn.Kernels.Benchmarks -- [BenchmarkDotNet arguments, e.g. --filter '*']
//   dotnet run -c Release --project bench/MetaLearn.Kernels.Benchmarks -- quick [SHAPE-SUBSTRING] [--no-baseline]
//   dotnet run -c Release --project bench/MetaLearn.Kernels.Benchmarks -- conv [GROUP-WIDTH...]   (default 1 128 256 512)
//   dotnet run -c Release --project bench/MetaLearn.Kernels.Benchmarks -- pool | unfold | passes | bnpool
using BenchmarkDotNet.Running;
using MetaLearn.Kernels.Benchmarks;

if (args.Length > 0 && args[0] == "quick")
{
    string filter = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : "";
    QuickTiming.Run(Console.Out, GemmShape.All.Where(s => s.Name.Contains(filter, StringComparison.Ordinal)), !args.Contains("--no-baseline"));
    return;
}
if (args.Length > 0 && args[0] == "unfold")
{
    ConvTiming.Unfold(Console.Out);
    return;
}
if (args.Length > 0 && args[0] == "passes")
{
    ConvTiming.Passes(Console.Out);
    return;
}
if (args.Length > 0 && args[0] == "bnpool")
{
    ConvTiming.BatchNormPool(Console.Out);
    return;
}
if (args.Length > 0 && args[0] == "pool")
{
    ConvTiming.Pool(Console.Out);
    return;
}
if (args.Length > 0 && args[0] == "conv")
{
    int[] widths = args.Length > 1 ? [.. args[1..].Select(int.Parse)] : [1, 128, 256, 512];
    ConvTiming.Run(Console.Out, widths);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);

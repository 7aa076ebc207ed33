// Data-layer benchmark: how fast Omniglot loads and how fast episodes are sampled from the in-memory cache.
//   dotnet run -c Release --project bench/MetaLearn.Data.Bench -- [MODE] [--root DIR] [--reps N] [--threads T]
// Modes: load (open + decode the whole background set into the cache), episodes (episodes per second for
// 5-way 1-shot and 60-way 5-shot, upright and with Vinyals rotations), read (per-drawing cost split into zip
// read, PNG decode and gray+flip+resize, against one full ReadSample), decoders (the own PNG decoder against
// StbImageSharp on every background drawing, with a pixel comparison), all (default).
// Prints one JSON object per line. Times are medians over repetitions; allocation counts are deterministic and
// are the number to compare on a shared, noisy machine.
using System.Globalization;
using MetaLearn.Data.Bench;

string mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
string? root = Option("--root");
int reps = int.Parse(Option("--reps") ?? "5", CultureInfo.InvariantCulture);
int threads = int.Parse(Option("--threads") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
root ??= Benchmarks.FindOmniglot();

switch (mode)
{
    case "load":
        Benchmarks.Load(root, reps, threads, Console.Out);
        break;
    case "episodes":
        Benchmarks.Episodes(root, reps, threads, Console.Out);
        break;
    case "read":
        Benchmarks.Read(root, reps, Console.Out);
        break;
    case "decoders":
        DecoderComparison.Run(root, reps, Console.Out);
        break;
    case "all":
        Benchmarks.Read(root, reps, Console.Out);
        Benchmarks.Load(root, reps, threads, Console.Out);
        Benchmarks.Episodes(root, reps, threads, Console.Out);
        break;
    default:
        Console.Error.WriteLine("usage: MetaLearn.Data.Bench [load|episodes|read|decoders|all] [--root DIR] [--reps N] [--threads T]");
        return 2;
}
return 0;

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

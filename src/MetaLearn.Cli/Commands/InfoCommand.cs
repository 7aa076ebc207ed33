using System.CommandLine;
using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MetaLearn.Cli.Commands;

/// <summary><c>metalearn info</c>: version, SIMD width in use, cores, and where datasets are looked for.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the version, the SIMD width in use, the cores, and where datasets are looked for.");
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            string version = typeof(InfoCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            output.WriteLine($"metalearn {version.Split('+')[0]}");
            output.WriteLine($"runtime   .NET {Environment.Version} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture})");
            output.WriteLine($"cores     {Environment.ProcessorCount}");
            output.WriteLine($"simd      {SimdWidth()} (Vector<float> holds {Vector<float>.Count} floats)");
            output.WriteLine("datasets  looked for in:");
            foreach (string dir in DataDirectories.Candidates())
            {
                output.WriteLine($"          {dir}{(Directory.Exists(dir) ? "" : "  (missing)")}");
            }
            return 0;
        });
        return command;
    }

    private static string SimdWidth() =>
        Vector512.IsHardwareAccelerated ? "512-bit (AVX-512)"
        : Vector256.IsHardwareAccelerated ? "256-bit (AVX2)"
        : Vector128.IsHardwareAccelerated ? "128-bit"
        : "none (scalar)";
}

using System.CommandLine;
using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using MetaLearn.Cli.Bench;

namespace MetaLearn.Cli.Commands;

/// <summary><c>metalearn info</c>: version, CPU, the SIMD widths the kernels use, cores, and where datasets are looked for.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the version, the CPU and the SIMD widths the kernels use, the cores, and where datasets are looked for.");
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            string version = typeof(InfoCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            output.WriteLine($"metalearn {version.Split('+')[0]}");
            output.WriteLine($"runtime   .NET {Environment.Version} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture})");
            output.WriteLine($"cpu       {CpuModel.Read()}");
            output.WriteLine($"cores     {Environment.ProcessorCount}");
            string[] simd = DescribeSimd(SimdFacts.Current);
            output.WriteLine($"simd      {simd[0]}");
            foreach (string line in simd[1..])
            {
                output.WriteLine($"          {line}");
            }
            output.WriteLine("datasets  looked for in:");
            foreach (string dir in DataDirectories.Candidates())
            {
                output.WriteLine($"          {dir}{(Directory.Exists(dir) ? "" : "  (missing)")}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>What the runtime reports: instruction sets, which vector types it accelerates, and Vector&lt;float&gt;'s lanes.</summary>
    internal sealed record SimdFacts(
        bool HasAvx512F, bool HasAvx2, bool HasFma, bool HasAdvSimd,
        bool Accelerates512, bool Accelerates256, bool Accelerates128, bool AcceleratesVector, int VectorFloatLanes)
    {
        public static SimdFacts Current => new(
            Avx512F.IsSupported, Avx2.IsSupported, Fma.IsSupported, AdvSimd.IsSupported,
            Vector512.IsHardwareAccelerated, Vector256.IsHardwareAccelerated, Vector128.IsHardwareAccelerated,
            Vector.IsHardwareAccelerated, Vector<float>.Count);
    }

    /// <summary>
    /// The instruction sets, then the width each family of kernels uses. The GEMM rung is chosen as Gemm.Multiply and
    /// the shifted convolution GEMM choose it in MetaLearn.Kernels (the widest accelerated of Vector512, 256, 128), which
    /// is not always the widest instruction set: with AVX-512F present .NET may still prefer 256-bit vectors
    /// (DOTNET_PreferredVectorBitWidth, or CPUs that slow down on 512-bit code). Small products use 256-bit vectors
    /// (fewer wasted lanes on narrow rows); row operations and the Winograd transforms use Vector&lt;T&gt;, which .NET
    /// keeps at 256 bits unless DOTNET_MaxVectorTBitWidth says otherwise.
    /// </summary>
    internal static string[] DescribeSimd(SimdFacts f)
    {
        string[] sets = new[] { (f.HasAvx512F, "AVX-512F"), (f.HasAvx2, "AVX2"), (f.HasFma, "FMA"), (f.HasAdvSimd, "AdvSIMD (NEON)") }
            .Where(s => s.Item1).Select(s => s.Item2).ToArray();
        (int gemmBits, string gemmType) = f.Accelerates512 ? (512, "Vector512") : f.Accelerates256 ? (256, "Vector256") : f.Accelerates128 ? (128, "Vector128") : (0, "");
        string gemm = gemmBits == 0 ? "scalar (no accelerated vectors)" : $"{gemmBits}-bit ({gemmType}, {gemmBits / 32} floats)";
        if (f.HasAvx512F && !f.Accelerates512)
        {
            gemm += "; AVX-512F is present but .NET does not accelerate Vector512 here";
        }
        string small = f.Accelerates256 ? "256-bit (Vector256, 8 floats)" : f.Accelerates128 ? "128-bit (Vector128, 4 floats)" : "scalar";
        string vector = f.AcceleratesVector ? $"{f.VectorFloatLanes} floats ({f.VectorFloatLanes * 32}-bit)" : "not accelerated (scalar)";
        return
        [
            $"instruction sets: {(sets.Length == 0 ? "none detected" : string.Join(", ", sets))}",
            $"GEMM and convolution micro-kernels: {gemm}",
            $"small matrix products: {small}",
            $"Vector<float> (row operations, Winograd transforms): {vector}",
        ];
    }
}

using System.Runtime.Intrinsics;
using MetaLearn.Cli.Bench;
using MetaLearn.Cli.Commands;
using static MetaLearn.Cli.Commands.InfoCommand;

namespace MetaLearn.Cli.Tests;

/// <summary><c>metalearn info</c> says which vector widths the kernels use, without contradicting itself.</summary>
public class InfoCommandTests
{
    [Fact]
    public void AnAvx512MachineRunsTheGemmAt512BitsAndVectorOfFloatAt256()
    {
        string[] lines = DescribeSimd(new SimdFacts(true, true, true, false, true, true, true, true, 8));
        Assert.Equal(
            [
                "instruction sets: AVX-512F, AVX2, FMA",
                "GEMM and convolution micro-kernels: 512-bit (Vector512, 16 floats)",
                "small matrix products: 256-bit (Vector256, 8 floats)",
                "Vector<float> (row operations, Winograd transforms): 8 floats (256-bit)",
            ],
            lines);
    }

    [Fact]
    public void Avx512WithoutAVector512RungSaysSo()
    {
        // DOTNET_PreferredVectorBitWidth=256, or a CPU on which .NET prefers 256-bit code.
        string[] lines = DescribeSimd(new SimdFacts(true, true, true, false, false, true, true, true, 8));
        Assert.Equal("GEMM and convolution micro-kernels: 256-bit (Vector256, 8 floats); AVX-512F is present but .NET does not accelerate Vector512 here", lines[1]);
    }

    [Fact]
    public void ArmAndScalarMachines()
    {
        string[] neon = DescribeSimd(new SimdFacts(false, false, false, true, false, false, true, true, 4));
        Assert.Equal("instruction sets: AdvSIMD (NEON)", neon[0]);
        Assert.Equal("GEMM and convolution micro-kernels: 128-bit (Vector128, 4 floats)", neon[1]);
        Assert.Equal("small matrix products: 128-bit (Vector128, 4 floats)", neon[2]);
        Assert.Equal("Vector<float> (row operations, Winograd transforms): 4 floats (128-bit)", neon[3]);

        string[] scalar = DescribeSimd(new SimdFacts(false, false, false, false, false, false, false, false, 1));
        Assert.Equal("instruction sets: none detected", scalar[0]);
        Assert.Equal("GEMM and convolution micro-kernels: scalar (no accelerated vectors)", scalar[1]);
        Assert.Equal("Vector<float> (row operations, Winograd transforms): not accelerated (scalar)", scalar[3]);
    }

    [Fact]
    public void InfoPrintsTheCpuAndTheWidthsOfThisMachine()
    {
        (int exit, string output, _) = CliRunner.Run("info");
        Assert.Equal(0, exit);
        Assert.Contains($"cpu       {CpuModel.Read()}\n", output);
        Assert.Contains("simd      instruction sets: ", output); // scripts/check-tool-install.sh greps for "simd"
        int gemmBits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;
        Assert.Contains($"          GEMM and convolution micro-kernels: {gemmBits}-bit", output);
        Assert.Contains($"Vector<float> (row operations, Winograd transforms): {System.Numerics.Vector<float>.Count} floats", output);
        Assert.DoesNotContain("(AVX-512) (Vector<float> holds", output);
    }
}

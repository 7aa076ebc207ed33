using System.Text.Json;
using MetaLearn.Cli.Bench;
using MetaLearn.Cli.Commands;

namespace MetaLearn.Cli.Tests.Bench;

/// <summary>A benchmark result names the machine and, for PyTorch, the BLAS kernels it ran.</summary>
public class BenchReportTests
{
    [Fact]
    public void TheCpuModelIsTheFirstModelNameLine()
    {
        const string cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9654 96-Core Processor\nflags\t\t: fpu\n\n" +
                               "processor\t: 1\nmodel name\t: something else\n";
        Assert.Equal("AMD EPYC 9654 96-Core Processor", CpuModel.Parse(cpuinfo));
        Assert.Null(CpuModel.Parse("processor\t: 0\nCPU implementer\t: 0x41\n")); // ARM: no model name
        Assert.False(string.IsNullOrWhiteSpace(CpuModel.Read()));
    }

    [Fact]
    public void ThePyTorchLineCarriesItsBlasKernelsAndRunsKeepEveryKernelSeen()
    {
        BenchResult haswell = SideBySide.Parse(
            """{"workload": "sgemm-64", "threads": 1, "ms": [0.5], "rss_mb": 230.0, "blas_core": "Haswell", "blas_config": "OpenBLAS 0.3.21 Haswell"}""", "pytorch");
        BenchResult cooperlake = haswell with { Ms = [0.4], BlasCore = "Cooperlake", BlasConfig = "OpenBLAS 0.3.21 Cooperlake" };
        Assert.Equal("Haswell", haswell.BlasCore);
        Assert.Equal("OpenBLAS 0.3.21 Haswell", haswell.BlasConfig);

        BenchResult same = SideBySide.Merge([haswell, haswell with { Ms = [0.7] }]);
        Assert.Equal("Haswell", same.BlasCore);
        Assert.Equal([0.5, 0.7], same.Ms);
        Assert.Equal("Haswell / Cooperlake", SideBySide.Merge([haswell, cooperlake]).BlasCore);

        Assert.Equal("CPU: AMD EPYC. PyTorch BLAS kernels: Haswell (OpenBLAS 0.3.21 Haswell).", BenchCommand.Footer("AMD EPYC", [haswell, haswell], []));
        BenchResult old = SideBySide.Parse("""{"workload": "sgemm-64", "threads": 1, "ms": [0.5], "rss_mb": 230.0}""", "pytorch");
        Assert.Null(old.BlasCore);
        Assert.Equal("CPU: AMD EPYC. PyTorch BLAS kernels: unknown (unknown).", BenchCommand.Footer("AMD EPYC", [old], []));
    }

    [Fact]
    public void JsonRowsAndTablesNameTheCpu()
    {
        (int exit, string output, _) = CliRunner.Run("bench", "--workload", "sgemm-64", "--reps", "1", "--format", "json");
        Assert.Equal(0, exit);
        using JsonDocument row = JsonDocument.Parse(output.Trim());
        Assert.Equal(CpuModel.Read(), row.RootElement.GetProperty("cpu_model").GetString());
        Assert.Equal(JsonValueKind.Null, row.RootElement.GetProperty("pytorch_blas_core").ValueKind);

        (exit, output, _) = CliRunner.Run("bench", "--workload", "sgemm-64", "--reps", "1");
        Assert.Equal(0, exit);
        Assert.EndsWith($"CPU: {CpuModel.Read()}\n", output);
    }
}

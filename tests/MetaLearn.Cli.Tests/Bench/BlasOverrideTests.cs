using System.Diagnostics;
using MetaLearn.Cli.Bench;
using MetaLearn.Cli.Commands;

namespace MetaLearn.Cli.Tests.Bench;

/// <summary>The PyTorch side runs the OpenBLAS kernels it would pick for the CPU, whatever the machine's workarounds say.
/// (No test sets these variables in its own process: that would change the environment of every other test.)</summary>
public class BlasOverrideTests
{
    [Fact]
    public void PyTorchChildrenDoNotGetTheOpenBlasOverridesAndKeepEverythingElse()
    {
        var info = new ProcessStartInfo("/usr/bin/python3");
        info.Environment["OPENBLAS_CORETYPE"] = "Haswell";
        info.Environment["OPENBLAS_L2_SIZE"] = "1048576";
        info.Environment["OPENBLAS_NUM_THREADS"] = "1";
        int others = info.Environment.Count - 2;

        SideBySide.WithoutBlasOverrides(info);

        Assert.False(info.Environment.ContainsKey("OPENBLAS_CORETYPE"));
        Assert.False(info.Environment.ContainsKey("OPENBLAS_L2_SIZE"));
        Assert.Equal("1", info.Environment["OPENBLAS_NUM_THREADS"]);
        Assert.Equal(others, info.Environment.Count);
    }

    [Fact]
    public void TheFooterNamesTheOverridesThatWereLeftOut()
    {
        var variables = new Dictionary<string, string> { ["OPENBLAS_CORETYPE"] = "Haswell", ["PATH"] = "/usr/bin" };
        string[] removed = SideBySide.BlasOverridesIn(name => variables.GetValueOrDefault(name));
        Assert.Equal(["OPENBLAS_CORETYPE=Haswell"], removed);
        Assert.Empty(SideBySide.BlasOverridesIn(_ => null));

        var pytorch = new BenchResult("sgemm-256", "pytorch", 1, [0.2], 230, null, "Cooperlake", "OpenBLAS 0.3.21 Cooperlake");
        Assert.Equal(
            "CPU: AMD EPYC. PyTorch BLAS kernels: Cooperlake (OpenBLAS 0.3.21 Cooperlake). Not passed to PyTorch: OPENBLAS_CORETYPE=Haswell.",
            BenchCommand.Footer("AMD EPYC", [pytorch], removed));
    }
}

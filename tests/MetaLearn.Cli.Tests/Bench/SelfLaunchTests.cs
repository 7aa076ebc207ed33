using MetaLearn.Cli.Bench;

namespace MetaLearn.Cli.Tests.Bench;

/// <summary>The side-by-side benchmark starts the CLI again for every measurement; each launch mode must start it the same way.</summary>
public class SelfLaunchTests
{
    private const string BuildOutput = "/repo/src/MetaLearn.Cli/bin/Release/net10.0";

    [Fact]
    public void TheApphostRunsItselfWithoutTheAssemblyPath()
    {
        // The build output's apphost; `dotnet run` launches the same file. GetCommandLineArgs()[0] is the .dll here too.
        SelfLaunch launch = SelfLaunch.Resolve($"{BuildOutput}/metalearn", $"{BuildOutput}/metalearn.dll");
        Assert.Equal($"{BuildOutput}/metalearn", launch.File);
        Assert.Equal(["bench", "-w", "sgemm-64"], launch.Arguments("bench", "-w", "sgemm-64"));
    }

    [Fact]
    public void TheDotnetMuxerGetsTheAssemblyPathFirst()
    {
        SelfLaunch launch = SelfLaunch.Resolve("/usr/lib/dotnet/dotnet", $"{BuildOutput}/metalearn.dll");
        Assert.Equal("/usr/lib/dotnet/dotnet", launch.File);
        Assert.Equal([$"{BuildOutput}/metalearn.dll", "bench"], launch.Arguments("bench"));
    }

    [Fact]
    public void AnInstalledToolRunsItsShim()
    {
        // dotnet tool install --tool-path T: the shim T/metalearn runs T/.store/metalearn/<version>/.../metalearn.dll in-process.
        SelfLaunch launch = SelfLaunch.Resolve("/tmp/t/tools/metalearn", "/tmp/t/tools/.store/metalearn/0.1.0/metalearn/0.1.0/tools/net10.0/any/metalearn.dll");
        Assert.Equal("/tmp/t/tools/metalearn", launch.File);
        Assert.Empty(launch.PrefixArguments);
    }

    [Fact]
    public void WindowsPathsAndARenamedApphostWork()
    {
        SelfLaunch muxer = SelfLaunch.Resolve(@"C:\Program Files\dotnet\DOTNET.EXE", @"C:\src\metalearn.dll");
        Assert.Equal([@"C:\src\metalearn.dll"], muxer.PrefixArguments);
        Assert.Empty(SelfLaunch.Resolve(@"C:\tools\metalearn.exe", @"C:\tools\.store\metalearn.dll").PrefixArguments);
        Assert.Empty(SelfLaunch.Resolve("/opt/bin/ml", "/opt/bin/metalearn.dll").PrefixArguments);
        // A file merely containing "dotnet" is not the muxer.
        Assert.Empty(SelfLaunch.Resolve("/opt/dotnet-tools/metalearn", "/opt/x/metalearn.dll").PrefixArguments);
    }

    [Fact]
    public void AnUnknownProcessPathFailsWithAHint()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SelfLaunch.Resolve(null, $"{BuildOutput}/metalearn.dll"));
        Assert.Contains("Environment.ProcessPath", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => SelfLaunch.Resolve("/usr/bin/dotnet", ""));
        Assert.Contains("metalearn executable", e.Message);
    }

    [Fact]
    public void ThisTestProcessResolves()
    {
        // The test host is the muxer or an apphost; either way the CLI assembly is metalearn.dll.
        SelfLaunch current = SelfLaunch.Current;
        Assert.Equal(Environment.ProcessPath, current.File);
        Assert.All(current.PrefixArguments, a => Assert.EndsWith("metalearn.dll", a));
    }
}

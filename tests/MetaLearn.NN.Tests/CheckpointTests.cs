using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MetaLearn.NN;

namespace MetaLearn.NN.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("metalearn-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly CheckpointMetadata Meta = new() { Architecture = "set below", Algorithm = "maml", Config = "{\"ways\": 5, \"lr\": 0.4}", Step = 1234 };

    private static (Backbone Model, ParameterSet OptimizerState) Trained(ulong seed = 1)
    {
        Backbone model = Backbones.RegressionMlp(new Rng(seed));
        // A stand-in optimizer state with the usual layout (moments shaped like the parameters, a scalar count).
        ParameterSet state = model.Parameters.Map(t => t * 0.5).Prefix("mu").Concat(model.Parameters.Prefix("nu"))
            .With("count", Tensor.Scalar(7, DType.Float64));
        return (model, state);
    }

    [Fact]
    public void RoundTripRestoresParametersBuffersOptimizerStateAndMetadata()
    {
        Backbone convnet = Backbones.OmniglotConvNet(5, new Rng(3), hidden: 4, batchNorm: BatchNormMode.RunningStatistics);
        convnet.Forward(Tensor.Normal(new Rng(4), [3, 1, 28, 28])); // moves the running statistics away from 0/1
        string path = Path.Combine(_dir, "convnet.safetensors");
        ParameterSet state = convnet.Parameters.ZerosLike().Prefix("mu").With("count", Tensor.Scalar(3, DType.Float64));
        Checkpoint.Save(path, convnet, Meta with { Architecture = convnet.Architecture }, state);

        Checkpoint loaded = Checkpoint.Load(path);
        Assert.Equal(Meta with { Architecture = convnet.Architecture }, loaded.Metadata);
        Backbone fresh = Backbones.OmniglotConvNet(5, new Rng(99), hidden: 4, batchNorm: BatchNormMode.RunningStatistics);
        loaded.Restore(fresh);
        AssertSame(convnet.Parameters, fresh.Parameters);
        AssertSame(convnet.Buffers, fresh.Buffers);
        Assert.All(fresh.Parameters.Tensors, t => Assert.True(t.RequiresGrad));
        AssertSame(state, loaded.RestoreOptimizerState(state));
    }

    [Fact]
    public void FileWrittenFromPyTorchLoads()
    {
        SafeTensorsContent content = SafeTensors.Load(Path.Combine(Golden.Directory, "torch_written.safetensors"));
        Assert.Equal("pt", content.Metadata["format"]);
        JsonElement expected = Golden.Root.GetProperty("torch_written");
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name).Order(), content.Tensors.Names.Order());
        foreach (JsonProperty p in expected.EnumerateObject())
        {
            DType dtype = p.Value.GetProperty("dtype").GetString() == "float64" ? DType.Float64 : DType.Float32;
            Tensor t = content.Tensors[p.Name];
            Assert.Equal(dtype, t.DType);
            Assert.Equal(Golden.Tensor(p.Value, dtype).ToDoubleArray(), t.ToDoubleArray());
        }

        // The state dict drops into the same architecture built here.
        var model = new Sequential(new Linear(3, 2, new Rng(0)), new ReLU(), new Linear(2, 1, new Rng(0)));
        model.Parameters = content.Tensors.Filter((n, _) => !n.StartsWith("extra", StringComparison.Ordinal));
        Assert.Equal(content.Tensors["2.bias"].ToFloatArray(), model.Parameters["2.bias"].ToFloatArray());
    }

    [Fact]
    public void FileWrittenByMetaLearnReadsInPythonWithIdenticalValues()
    {
        string? python = FindPython();
        if (python is null)
        {
            return; // No python3 on this machine: the generator script's reader covers the format instead.
        }
        (Backbone model, ParameterSet state) = Trained();
        string path = Path.Combine(_dir, "for-python.safetensors");
        Checkpoint.Save(path, model, Meta with { Architecture = model.Architecture }, state);

        const string Reader = """
            import json, struct, sys
            with open(sys.argv[1], "rb") as f:
                raw = f.read()
            (n,) = struct.unpack("<Q", raw[:8])
            header = json.loads(raw[8:8 + n])
            data = raw[8 + n:]
            out = {"__metadata__": header.pop("__metadata__", {})}
            for name, e in header.items():
                b, end = e["data_offsets"]
                fmt = {"F32": "f", "F64": "d"}[e["dtype"]]
                count = (end - b) // struct.calcsize(fmt)
                out[name] = {"dtype": e["dtype"], "shape": e["shape"], "data": list(struct.unpack("<%d%s" % (count, fmt), data[b:end]))}
            print(json.dumps(out))
            """;
        string script = Path.Combine(_dir, "reader.py");
        File.WriteAllText(script, Reader.Replace("\r", ""));
        var psi = new ProcessStartInfo(python, [script, path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"python reader failed: {stderr}");

        JsonElement read = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(model.Architecture, read.GetProperty("__metadata__").GetProperty("metalearn.architecture").GetString());
        Assert.Equal("1234", read.GetProperty("__metadata__").GetProperty("metalearn.step").GetString());
        ParameterSet all = model.Parameters.Concat(state.Prefix("optimizer"));
        Assert.Equal(all.Count + 1, read.EnumerateObject().Count());
        foreach ((string name, Tensor t) in all)
        {
            JsonElement e = read.GetProperty(name);
            Assert.Equal(t.DType == DType.Float32 ? "F32" : "F64", e.GetProperty("dtype").GetString());
            Assert.Equal(t.Shape.ToArray(), e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray());
            Assert.Equal(t.ToDoubleArray(), e.GetProperty("data").EnumerateArray().Select(d => d.GetDouble()).ToArray());
        }
    }

    [Fact]
    public void TruncatedFileFailsNamingTheFileAndTensor()
    {
        (Backbone model, _) = Trained();
        string path = Path.Combine(_dir, "truncated.safetensors");
        Checkpoint.Save(path, model, Meta with { Architecture = model.Architecture });
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^2]); // cuts into the last tensor, head.bias
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("'head.bias'", e.Message);
        Assert.Contains("truncated", e.Message);

        File.WriteAllBytes(path, bytes[..5]);
        e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.Contains("8-byte header length", e.Message);

        File.WriteAllBytes(path, bytes[..100]);
        e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.Contains("header length field", e.Message);
    }

    [Fact]
    public void CorruptHeaderFailsNamingTheFile()
    {
        (Backbone model, _) = Trained();
        string path = Path.Combine(_dir, "corrupt.safetensors");
        Checkpoint.Save(path, model, Meta with { Architecture = model.Architecture });
        byte[] bytes = File.ReadAllBytes(path);
        bytes[8] = (byte)'#';
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void UnsupportedDTypeAndInconsistentOffsetsAreNamed()
    {
        static byte[] File(string header, int dataBytes)
        {
            byte[] h = Encoding.UTF8.GetBytes(header);
            var bytes = new byte[8 + h.Length + dataBytes];
            BitConverter.GetBytes((ulong)h.Length).CopyTo(bytes, 0);
            h.CopyTo(bytes, 8);
            return bytes;
        }
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Parse(File("""{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}""", 4), "half.safetensors"));
        Assert.Contains("'w'", e.Message);
        Assert.Contains("F16", e.Message);
        e = Assert.Throws<InvalidDataException>(() => SafeTensors.Parse(File("""{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", 24), "odd.safetensors"));
        Assert.Contains("'w' (F32 [2, 3]) needs 24 bytes", e.Message);
        Assert.Contains("odd.safetensors", e.Message);
    }

    [Fact]
    public void WrongArchitectureFailsNamingExpectedAndFound()
    {
        Backbone five = Backbones.OmniglotConvNet(5, new Rng(1), hidden: 4);
        string path = Path.Combine(_dir, "five-way.safetensors");
        Checkpoint.Save(path, five, Meta with { Architecture = five.Architecture });
        Checkpoint loaded = Checkpoint.Load(path);

        Backbone twenty = Backbones.OmniglotConvNet(20, new Rng(1), hidden: 4);
        var e = Assert.Throws<InvalidDataException>(() => loaded.Restore(twenty));
        Assert.Contains("out=5", e.Message);
        Assert.Contains("out=20", e.Message);

        // Same names, different shapes, no architecture name to compare: the tensor check names the tensor and both shapes.
        var sequential = new Sequential([("features", five.Features), ("head", new Linear(4, 20, new Rng(0)))]);
        e = Assert.Throws<InvalidDataException>(() => loaded.Restore(sequential));
        Assert.Contains(path, e.Message);
        Assert.Contains("'head.weight'", e.Message);
        Assert.Contains("float32 [5, 4] in the file", e.Message);
        Assert.Contains("expects float32 [20, 4]", e.Message);
        Assert.Equal(20, sequential.Parameters["head.weight"].Shape[0]); // unchanged

        var e2 = Assert.Throws<InvalidDataException>(() => loaded.RestoreOptimizerState(ParameterSet.Of(("count", Tensor.Scalar(0, DType.Float64)))));
        Assert.Contains("'optimizer.count'", e2.Message);
    }

    [Fact]
    public void FailedSaveLeavesThePreviousCheckpointIntact()
    {
        (Backbone model, _) = Trained();
        string path = Path.Combine(_dir, "keep.safetensors");
        Checkpoint.Save(path, model, Meta with { Architecture = model.Architecture });
        byte[] before = File.ReadAllBytes(path);

        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[1000]);
            throw new IOException("disk full (simulated)");
        }));
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, model, Meta with { Architecture = model.Architecture, Config = "{not json" }));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["keep.safetensors"], Directory.GetFiles(_dir).Select(f => Path.GetFileName(f)!).ToArray());
        Checkpoint.Load(path).Restore(Backbones.RegressionMlp(new Rng(5)));
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        string path = Path.Combine(_dir, "nope.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(path));
        Assert.Contains(path, e.Message);
    }

    private static void AssertSame(ParameterSet expected, ParameterSet actual)
    {
        Assert.Equal(expected.Names, actual.Names);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected.Tensors[i].DType, actual.Tensors[i].DType);
            Assert.Equal(expected.Tensors[i].ToDoubleArray(), actual.Tensors[i].ToDoubleArray());
        }
    }

    private static string? FindPython()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, "python3");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}

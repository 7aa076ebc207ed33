using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MetaLearn.NN.Tests.Layers;

/// <summary>
/// <see cref="LstmCell"/> and <see cref="Lstm"/>: parameter names and initialisation as PyTorch's, shapes of the results,
/// consistency between the layer and its cell, errors on bad input, and checkpoints PyTorch can load.
/// </summary>
public sealed class LstmTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("metalearn-lstm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ParametersAreNamedAndShapedAsPyTorchsStateDict()
    {
        var cell = new LstmCell(5, 4, new Rng(1));
        Assert.Equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], cell.Parameters.Names);
        Assert.Equal([16, 5], cell.Parameters["weight_ih"].Shape.ToArray());
        Assert.Equal([16, 4], cell.Parameters["weight_hh"].Shape.ToArray());
        Assert.Equal([16], cell.Parameters["bias_hh"].Shape.ToArray());
        Assert.Equal(["weight_ih", "weight_hh"], new LstmCell(5, 4, new Rng(1), bias: false).Parameters.Names);

        var lstm = new Lstm(5, 4, new Rng(1), bidirectional: true);
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse"],
            lstm.Parameters.Names);
        Assert.Equal(1, lstm.NumLayers);
        Assert.Equal(2, lstm.Directions);

        // Exactly the keys of PyTorch's state_dict, as recorded by the golden generator for every case.
        foreach (JsonElement c in Golden.Root.GetProperty("recurrent_cases").EnumerateArray())
        {
            Module module = LstmGoldenTests.Make(c);
            Assert.Equal(c.GetProperty("state_dict_keys").EnumerateArray().Select(k => k.GetString()!), module.Parameters.Names);
        }
    }

    [Fact]
    public void InitialisationIsUniformWithinOneOverSqrtHiddenAndSeeded()
    {
        var lstm = new Lstm(30, 16, new Rng(2), bidirectional: true);
        foreach ((string name, Tensor t) in lstm.Parameters)
        {
            float[] v = t.ToFloatArray();
            Assert.True(v.All(x => Math.Abs(x) <= 0.25), $"{name} leaves U(-1/4, 1/4)");
            Assert.True(v.Max() > 0.2 && v.Min() < -0.2, $"{name} does not fill U(-1/4, 1/4)");
            Assert.True(t.RequiresGrad && t.IsLeaf, $"{name} is not a trainable leaf");
        }
        // The forget-gate bias (rows [H, 2H)) is drawn like the rest, not set to 1.
        Assert.True(Math.Abs(lstm.Parameters["bias_ih_l0"].Slice(0, 16, 16).Mean().Item()) < 0.1);
        Assert.Equal(lstm.Parameters.Tensors.Select(t => t.ToFloatArray()), new Lstm(30, 16, new Rng(2), bidirectional: true).Parameters.Tensors.Select(t => t.ToFloatArray()));
    }

    [Fact]
    public void LayerEqualsItsCellUnrolledAndReversed()
    {
        var lstm = new Lstm(3, 4, new Rng(3), bidirectional: true, dtype: DType.Float64);
        Tensor x = Tensor.Normal(new Rng(4), [5, 2, 3], dtype: DType.Float64);
        Tensor h0 = Tensor.Normal(new Rng(5), [2, 2, 4], dtype: DType.Float64), c0 = Tensor.Normal(new Rng(6), [2, 2, 4], dtype: DType.Float64);
        (Tensor output, Tensor hn, Tensor cn) = lstm.Run(x, (h0, c0));
        Assert.Equal([5, 2, 8], output.Shape.ToArray());
        Assert.Equal([2, 2, 4], hn.Shape.ToArray());
        Assert.Equal([2, 2, 4], cn.Shape.ToArray());

        var cell = new LstmCell(3, 4, new Rng(0), dtype: DType.Float64);
        for (int d = 0; d < 2; d++)
        {
            string suffix = d == 0 ? "_l0" : "_l0_reverse";
            ParameterSet p = ParameterSet.Of(("weight_ih", lstm.Parameters["weight_ih" + suffix]), ("weight_hh", lstm.Parameters["weight_hh" + suffix]),
                ("bias_ih", lstm.Parameters["bias_ih" + suffix]), ("bias_hh", lstm.Parameters["bias_hh" + suffix]));
            Tensor h = h0.Slice(0, d, 1).Squeeze(0), c = c0.Slice(0, d, 1).Squeeze(0);
            for (int k = 0; k < 5; k++)
            {
                int t = d == 0 ? k : 4 - k;
                (h, c) = cell.Step(x.Slice(0, t, 1).Squeeze(0), h, c, p, ForwardContext.Train);
                Assert.Equal(h.ToDoubleArray(), output.Slice(0, t, 1).Slice(2, 4 * d, 4).ToDoubleArray());
            }
            Assert.Equal(h.ToDoubleArray(), hn.Slice(0, d, 1).ToDoubleArray());
            Assert.Equal(c.ToDoubleArray(), cn.Slice(0, d, 1).ToDoubleArray());
        }

        // Forward is Run from the zero state, and the zero state skips work without changing the result.
        Tensor zeros = Tensor.Zeros([2, 2, 4], DType.Float64);
        Assert.Equal(lstm.Run(x, (zeros, zeros)).Output.ToDoubleArray(), lstm.Forward(x).ToDoubleArray());
        Tensor z = Tensor.Zeros([2, 4], DType.Float64);
        Assert.Equal(cell.Step(x.Slice(0, 0, 1).Squeeze(0), z, z).H.ToDoubleArray(), cell.Forward(x.Slice(0, 0, 1).Squeeze(0)).ToDoubleArray());
    }

    [Fact]
    public void SecondOrderGradientsInsideATensorScopeEqualThoseOutside()
    {
        // The learners run every task in a TensorScope; the pooled memory must not change a value.
        var lstm = new Lstm(16, 8, new Rng(12), bidirectional: true); // weight_ih [32, 16] and the activations are pooled (>= 256 elements)
        Tensor x = Tensor.Normal(new Rng(13), [30, 2, 16]);
        Tensor[] Gradients()
        {
            Tensor[] wrt = [.. lstm.Parameters.Tensors];
            (Tensor output, Tensor h, Tensor c) = lstm.Run(x);
            Tensor[] g = Autograd.Grad(output.Square().Sum() + h.Sum() + c.Sum(), wrt, createGraph: true);
            return Autograd.Grad(g.Select(t => t.Square().Sum()).Aggregate((a, b) => a + b), wrt);
        }
        Tensor[] outside = Gradients();
        for (int run = 0; run < 2; run++) // the second run reuses the first one's pooled arrays
        {
            using TensorScope scope = TensorScope.Begin();
            Tensor[] inside = scope.Keep(Gradients());
            Assert.Equal(outside.Select(t => t.ToFloatArray()), inside.Select(t => t.ToFloatArray()));
        }
    }

    [Fact]
    public void CellRejectsBadInputNamingTheLayerShapesAndFix()
    {
        var cell = new LstmCell(5, 4, new Rng(1));
        Tensor h = Tensor.Zeros(3, 4), c = Tensor.Zeros(3, 4);
        AssertMessage(() => cell.Step(Tensor.Zeros(3, 6), h, c), "LstmCell(5 -> 4)", "[3, 6]", "[N, 5]", "inputSize 6");
        AssertMessage(() => cell.Forward(Tensor.Zeros(5)), "LstmCell(5 -> 4)", "[5]", "x.Unsqueeze(0)");
        AssertMessage(() => cell.Forward(Tensor.Zeros(2, 3, 5)), "LstmCell(5 -> 4)", "[2, 3, 5]", "reshape the input to [N, 5]");
        AssertMessage(() => cell.Step(Tensor.Zeros(3, 5), Tensor.Zeros(2, 4), c), "LstmCell(5 -> 4)", "state h [2, 4]", "[3, 4]", "zeros");
        AssertMessage(() => cell.Step(Tensor.Zeros(3, 5), h, Tensor.Zeros(3, 5)), "state c [3, 5]", "[3, 4]");
        AssertMessage(() => cell.Step(Tensor.Zeros(3, 5), h, Tensor.Zeros(3, 4, 1)), "state c [3, 4, 1]");
        ParameterSet wrong = new LstmCell(6, 4, new Rng(1)).Parameters;
        AssertMessage(() => cell.Forward(Tensor.Zeros(3, 5), wrong), "LstmCell(5 -> 4)", "'weight_ih'", "[16, 6]", "[16, 5]");
        AssertMessage(() => cell.Forward(Tensor.Zeros(3, 5), cell.Parameters.Filter((n, _) => n != "bias_hh")), "LstmCell(5 -> 4)", "'bias_hh' is missing");
    }

    [Fact]
    public void LayerRejectsBadInputNamingTheLayerShapesAndFix()
    {
        var lstm = new Lstm(5, 4, new Rng(1), bidirectional: true);
        AssertMessage(() => lstm.Forward(Tensor.Zeros(7, 5)), "Lstm(5 -> 4, bidirectional)", "[7, 5]", "[T, N, 5]", "x.Unsqueeze(1)");
        AssertMessage(() => lstm.Forward(Tensor.Zeros(7, 2, 6)), "[7, 2, 6]", "inputSize 6");
        AssertMessage(() => lstm.Forward(Tensor.Zeros(7, 2, 5, 1)), "[7, 2, 5, 1]", "reshape the input to [T, N, 5]");
        AssertMessage(() => lstm.Forward(Tensor.Zeros(0, 2, 5)), "[0, 2, 5]", "at least one step");
        Tensor ok = Tensor.Zeros(2, 3, 4);
        AssertMessage(() => lstm.Run(Tensor.Zeros(7, 3, 5), (Tensor.Zeros(1, 3, 4), ok)), "Lstm(5 -> 4, bidirectional)", "h_0 [1, 3, 4]", "[2, 3, 4]", "forward direction first");
        AssertMessage(() => lstm.Run(Tensor.Zeros(7, 3, 5), (ok, Tensor.Zeros(3, 4))), "c_0 [3, 4]", "[2, 3, 4]", "null for zero states");
        AssertMessage(() => lstm.Run(Tensor.Zeros(7, 2, 5), (ok, ok)), "h_0 [2, 3, 4]", "batch 2", "[2, 2, 4]");
        ParameterSet unidirectional = new Lstm(5, 4, new Rng(1)).Parameters;
        AssertMessage(() => lstm.Forward(Tensor.Zeros(7, 2, 5), unidirectional), "'weight_ih_l0_reverse' is missing");
        ParameterSet wider = new Lstm(5, 3, new Rng(1), bidirectional: true).Parameters;
        AssertMessage(() => lstm.Forward(Tensor.Zeros(7, 2, 5), wider), "'weight_ih_l0'", "[12, 5]", "[16, 5]");
    }

    private static void AssertMessage(Action call, params string[] parts)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        foreach (string part in parts)
        {
            Assert.Contains(part, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CheckpointRoundTripKeepsPyTorchNamesAndValues()
    {
        var lstm = new Lstm(3, 2, new Rng(7), bidirectional: true, dtype: DType.Float64);
        string path = Path.Combine(_dir, "lstm.safetensors");
        Checkpoint.Save(path, lstm, new CheckpointMetadata { Architecture = lstm.Label, Algorithm = "none", Config = "{}", Step = 0 });

        Checkpoint loaded = Checkpoint.Load(path);
        Assert.Equal(lstm.Parameters.Names, loaded.Model.Names);
        var fresh = new Lstm(3, 2, new Rng(8), bidirectional: true, dtype: DType.Float64);
        loaded.Restore(fresh);
        Assert.Equal(lstm.Parameters.Tensors.Select(t => t.ToDoubleArray()), fresh.Parameters.Tensors.Select(t => t.ToDoubleArray()));
        Assert.Throws<InvalidDataException>(() => loaded.Restore(new Lstm(3, 2, new Rng(8), dtype: DType.Float64))); // no _reverse tensors there
    }

    [Fact]
    public void CheckpointLoadsIntoPyTorchsLstmWithStrictLoadStateDictAndGivesTheSameOutput()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python))
        {
            return; // No system Python: ParametersAreNamedAndShapedAsPyTorchsStateDict checks the names against PyTorch's keys.
        }
        var lstm = new Lstm(3, 2, new Rng(9), bidirectional: true, dtype: DType.Float64);
        Tensor x = Tensor.Normal(new Rng(10), [4, 2, 3], dtype: DType.Float64);
        string path = Path.Combine(_dir, "for-torch.safetensors");
        Checkpoint.Save(path, lstm, new CheckpointMetadata { Architecture = lstm.Label, Algorithm = "none", Config = "{}", Step = 0 });

        const string Script = """
            import json, struct, sys
            try:
                import torch
            except ImportError:
                print("no torch"); sys.exit(0)
            with open(sys.argv[1], "rb") as f:
                raw = f.read()
            (n,) = struct.unpack("<Q", raw[:8])
            header = json.loads(raw[8:8 + n]); header.pop("__metadata__")
            state = {}
            for name, e in header.items():
                b, end = e["data_offsets"]
                state[name] = torch.tensor(struct.unpack("<%dd" % ((end - b) // 8), raw[8 + n + b:8 + n + end]), dtype=torch.float64).reshape(e["shape"])
            lstm = torch.nn.LSTM(3, 2, bidirectional=True).double()
            lstm.load_state_dict(state, strict=True)
            x = torch.tensor(json.loads(sys.argv[2]), dtype=torch.float64).reshape(4, 2, 3)
            with torch.no_grad():
                y, _ = lstm(x)
            print(json.dumps(y.flatten().tolist()))
            """;
        string script = Path.Combine(_dir, "load.py");
        File.WriteAllText(script, Script.Replace("\r", ""));
        string xJson = "[" + string.Join(",", x.ToDoubleArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
        var psi = new ProcessStartInfo(python, [script, path, xJson]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"PyTorch refused the checkpoint: {stderr}");
        if (stdout.Trim() == "no torch")
        {
            return; // This Python has no torch; the names are still checked against the golden state_dict keys.
        }
        double[] torchOutput = JsonSerializer.Deserialize<double[]>(stdout)!;
        Golden.AssertClose("PyTorch's LSTM on MetaLearn's checkpoint", Tensor.FromArray(torchOutput, 4, 2, 4), lstm.Forward(x), atol: 1e-12, rtol: 1e-10);
    }

    [Fact]
    public void SummaryShowsTheLayerAndItsParameters()
    {
        string s = new Lstm(3, 2, new Rng(1), bidirectional: true, bias: false).ToString();
        Assert.StartsWith("Lstm(3 -> 2, bidirectional, no bias)", s);
        Assert.Contains("weight_hh_l0_reverse", s);
        Assert.StartsWith("LstmCell(3 -> 2)", new LstmCell(3, 2, new Rng(1)).ToString());
    }
}

using System.Text.Json;

namespace MetaLearn.NN.Tests.Layers;

/// <summary>
/// <see cref="LstmCell"/> and <see cref="Lstm"/> against PyTorch's <c>nn.LSTMCell</c> and <c>nn.LSTM</c> in float64
/// (Golden/nn_golden.json, "recurrent_cases"): outputs, final states, and the gradients of
/// <c>sum(output * r_output) + sum(h * r_h) + sum(c * r_c)</c> with respect to the input, the initial states and every
/// parameter. Both sides compute in float64, so they agree to rounding (the GEMMs sum in different orders).
/// </summary>
public class LstmGoldenTests
{
    private const double Atol = 1e-12, Rtol = 1e-10;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Golden.Root.GetProperty("recurrent_cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    internal static JsonElement Case(string name)
        => Golden.Root.GetProperty("recurrent_cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>A module shaped as the golden case's PyTorch module (its parameters still MetaLearn's own draws).</summary>
    internal static Module Make(JsonElement c)
    {
        int input = c.GetProperty("input_size").GetInt32(), hidden = c.GetProperty("hidden_size").GetInt32();
        bool bias = c.GetProperty("bias").GetBoolean();
        return c.GetProperty("module").GetString() switch
        {
            "LSTMCell" => new LstmCell(input, hidden, new Rng(0), bias, DType.Float64),
            "LSTM" => new Lstm(input, hidden, new Rng(0), c.GetProperty("bidirectional").GetBoolean(), bias, DType.Float64),
            var other => throw new ArgumentException($"unknown module {other}"),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardMatchPyTorch(string name)
    {
        JsonElement c = Case(name);
        Module module = Make(c);
        module.Parameters = Golden.Set(c.GetProperty("params"), DType.Float64).AsLeaves();
        ParameterSet parameters = module.Parameters;
        Tensor x = Golden.Tensor(c.GetProperty("input"), DType.Float64).SetRequiresGrad();
        bool hasState = c.TryGetProperty("h0", out JsonElement h0Json);
        Tensor? h0 = hasState ? Golden.Tensor(h0Json, DType.Float64).SetRequiresGrad() : null;
        Tensor? c0 = hasState ? Golden.Tensor(c.GetProperty("c0"), DType.Float64).SetRequiresGrad() : null;

        var outputs = new Dictionary<string, Tensor>();
        if (module is LstmCell cell && hasState)
        {
            (outputs["h"], outputs["c"]) = cell.Step(x, h0!, c0!, parameters, ForwardContext.Train);
        }
        else if (module is LstmCell zeroStateCell)
        {
            // Forward is one step from the zero state and returns h only (through the path that skips the hidden GEMM);
            // the cell state comes from Step with explicit zeros. The loss adds both, as PyTorch's does.
            outputs["h"] = zeroStateCell.Forward(x, parameters, ForwardContext.Train);
            Tensor zeros = Tensor.Zeros([x.Shape[0], zeroStateCell.HiddenSize], DType.Float64);
            outputs["c"] = zeroStateCell.Step(x, zeros, zeros, parameters, ForwardContext.Train).C;
        }
        else
        {
            var lstm = (Lstm)module;
            (outputs["output"], outputs["h"], outputs["c"]) = lstm.Run(x, hasState ? (h0!, c0!) : null, parameters, ForwardContext.Train);
        }

        JsonElement expected = c.GetProperty("outputs"), weights = c.GetProperty("output_weights");
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name).Order(), outputs.Keys.Order());
        Tensor loss = Tensor.Scalar(0, DType.Float64);
        foreach ((string key, Tensor value) in outputs)
        {
            Golden.AssertClose($"{name} {key}", Golden.Tensor(expected.GetProperty(key), DType.Float64), value, Atol, Rtol);
            loss += (value * Golden.Tensor(weights.GetProperty(key), DType.Float64)).Sum();
        }

        Tensor[] wrt = [x, .. hasState ? new[] { h0!, c0! } : [], .. parameters.Tensors];
        Tensor[] grads = Autograd.Grad(loss, wrt);
        Golden.AssertClose($"{name} input gradient", Golden.Tensor(c.GetProperty("grad_input"), DType.Float64), grads[0], Atol, Rtol);
        int next = 1;
        if (hasState)
        {
            Golden.AssertClose($"{name} h0 gradient", Golden.Tensor(c.GetProperty("grad_h0"), DType.Float64), grads[next++], Atol, Rtol);
            Golden.AssertClose($"{name} c0 gradient", Golden.Tensor(c.GetProperty("grad_c0"), DType.Float64), grads[next++], Atol, Rtol);
        }
        ParameterSet expectedGrads = Golden.Set(c.GetProperty("grad_params"), DType.Float64);
        Assert.Equal(expectedGrads.Names, parameters.Names);
        for (int i = 0; i < parameters.Count; i++)
        {
            Golden.AssertClose($"{name} gradient of {parameters.Names[i]}", expectedGrads.Tensors[i], grads[next + i], Atol, Rtol);
        }
    }

    [Fact]
    public void GoldenFileCoversCellAndBidirectionalLstm()
    {
        string[] names = Golden.Root.GetProperty("recurrent_cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
        Assert.Contains("lstm_cell", names);
        Assert.Contains("lstm_bidirectional", names);
        Assert.True(Case("lstm_bidirectional").GetProperty("bidirectional").GetBoolean());
    }
}

using System.Text.Json;

namespace MetaLearn.NN.Tests;

/// <summary>Every layer's forward pass and gradients (input and parameters) against PyTorch, float32.</summary>
public class LayerGoldenTests
{
    private static Module Make(string name)
    {
        var rng = new Rng(0);
        return name switch
        {
            "linear" => new Linear(4, 3, rng),
            "conv2d" => new Conv2d(2, 3, 3, rng, stride: 2, padding: 1),
            "conv2d_nobias" => new Conv2d(2, 4, 2, rng, bias: false),
            "conv_transpose2d" => new ConvTranspose2d(3, 2, 4, rng, stride: 2, padding: 1),
            "conv_transpose2d_outpad" => new ConvTranspose2d(2, 3, 3, rng, stride: 2, padding: 1, outputPadding: 1, bias: false),
            "batchnorm2d_batch" => new BatchNorm2d(3, BatchNormMode.BatchStatistics),
            "batchnorm2d_running_train" or "batchnorm2d_running_eval" => new BatchNorm2d(3, BatchNormMode.RunningStatistics),
            "maxpool2d" => new MaxPool2d(2),
            "maxpool2d_stride" => new MaxPool2d(3, stride: 2),
            "avgpool2d" => new AvgPool2d(3, stride: 2, padding: 1),
            "flatten" => new Flatten(),
            "relu" => new ReLU(),
            "leaky_relu" => new LeakyReLU(0.1),
            "sigmoid" => new Sigmoid(),
            "tanh" => new Tanh(),
            "dropout_eval" => new Dropout(0.5, rng),
            "film" => new FiLM(3),
            "sequential" => new Sequential(new Conv2d(1, 2, 3, rng, padding: 1), new BatchNorm2d(2, BatchNormMode.BatchStatistics), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Linear(8, 3, rng)),
            _ => throw new ArgumentException(name),
        };
    }

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Golden.Root.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardMatchPyTorch(string name)
    {
        JsonElement c = Golden.Case(name);
        Module module = Make(name);
        module.Parameters = Golden.Set(c.GetProperty("params")).AsLeaves();
        if (c.TryGetProperty("buffers_before", out JsonElement before))
        {
            module.Buffers = Golden.Set(before);
        }
        bool training = c.GetProperty("training").GetBoolean();
        Tensor x = Golden.Tensor(c.GetProperty("input")).SetRequiresGrad();
        Tensor y = module.Forward(x, module.Parameters, new ForwardContext { Training = training });
        Golden.AssertClose($"{name} output", Golden.Tensor(c.GetProperty("output")), y);

        ParameterSet parameters = module.Parameters;
        Tensor[] grads = Autograd.Grad((y * Golden.Tensor(c.GetProperty("grad_weights"))).Sum(), [x, .. parameters.Tensors]);
        Golden.AssertClose($"{name} input gradient", Golden.Tensor(c.GetProperty("grad_input")), grads[0], atol: 2e-5, rtol: 5e-4);
        ParameterSet expected = Golden.Set(c.GetProperty("grad_params"));
        Assert.Equal(expected.Names, parameters.Names);
        for (int i = 0; i < parameters.Count; i++)
        {
            Golden.AssertClose($"{name} gradient of {parameters.Names[i]}", expected.Tensors[i], grads[i + 1], atol: 2e-5, rtol: 5e-4);
        }
        if (c.TryGetProperty("buffers_after", out JsonElement after))
        {
            ParameterSet buffers = module.Buffers;
            foreach ((string buffer, Tensor value) in Golden.Set(after))
            {
                Golden.AssertClose($"{name} {buffer} after the call", value, buffers[buffer]);
            }
        }
    }

    [Fact]
    public void EveryLayerHasAGoldenCase()
    {
        string[] names = Golden.Root.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
        foreach (string layer in new[] { "linear", "conv2d", "batchnorm2d_batch", "batchnorm2d_running_train", "batchnorm2d_running_eval", "maxpool2d", "avgpool2d",
                     "flatten", "relu", "leaky_relu", "sigmoid", "tanh", "dropout_eval", "film", "sequential" })
        {
            Assert.Contains(layer, names);
        }
    }
}

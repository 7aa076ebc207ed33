using System.Text.Json;

namespace MetaLearn.Optim.Tests;

/// <summary>
/// Each optimizer (and schedule, clipping, weight-decay variant) against torch.optim trajectories recorded by
/// Golden/generate_optim_golden.py: same objective, same start, 25 steps, float32 on both sides.
/// </summary>
public class GoldenTrajectoryTests
{
    private static readonly JsonElement Golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "optim_golden.json"))).RootElement;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Golden.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    [Fact]
    public void GoldenCoversEveryOptimizerOverAtLeastTwentySteps()
    {
        Assert.True(Golden.GetProperty("steps").GetInt32() >= 20);
        string[] kinds = Golden.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("optimizer").GetString()!).Distinct().ToArray();
        Assert.Equal(["adam", "adamw", "rmsprop", "sgd"], kinds.Order().ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTorchTrajectory(string name)
    {
        JsonElement c = Golden.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        IGradientTransformation optimizer = Build(c);
        Tensor cw = Vec("cw", 2, 3), tw = Vec("tw", 2, 3), cb = Vec("cb", 3), tb = Vec("tb", 3);
        Tensor Objective(ParameterSet p)
        {
            Tensor w = p["w"], b = p["b"];
            return (0.5 * cw * (w - tw).Square()).Sum() + (0.5 * cb * (b - tb).Square()).Sum() + 0.01 * (w.Pow(4).Sum() + b.Pow(4).Sum());
        }

        ParameterSet parameters = ParameterSet.Of(("w", Vec("w0", 2, 3)), ("b", Vec("b0", 3))).AsLeaves();
        ParameterSet state = optimizer.Init(parameters);
        int step = 0;
        foreach (JsonElement expected in c.GetProperty("trajectory").EnumerateArray())
        {
            Tensor[] grads = Autograd.Grad(Objective(parameters), parameters.Tensors);
            ParameterSet g = new(parameters.Names.Zip(grads, (n, t) => new KeyValuePair<string, Tensor>(n, t)));
            (parameters, state) = optimizer.StepDetached(parameters, g, state);
            step++;
            Compare(name, step, "w", Floats(expected.GetProperty("w")), parameters["w"].ToFloatArray());
            Compare(name, step, "b", Floats(expected.GetProperty("b")), parameters["b"].ToFloatArray());
        }
        Assert.Equal(Golden.GetProperty("steps").GetInt32(), step);
    }

    internal static IGradientTransformation Build(JsonElement c)
    {
        double lr = c.GetProperty("lr").GetDouble();
        Schedule schedule = lr;
        if (c.TryGetProperty("schedule", out JsonElement s))
        {
            schedule = s.GetProperty("kind").GetString() switch
            {
                "cosine" => Schedule.Cosine(lr, s.GetProperty("steps").GetInt32(), s.GetProperty("min").GetDouble()),
                "step" => Schedule.Step(lr, s.GetProperty("step_size").GetInt32(), s.GetProperty("gamma").GetDouble()),
                "warmup" => Schedule.LinearWarmup(lr, s.GetProperty("steps").GetInt32(), s.GetProperty("start_factor").GetDouble()),
                var k => throw new InvalidOperationException(k),
            };
        }
        double Get(string key, double fallback) => c.TryGetProperty(key, out JsonElement v) ? v.GetDouble() : fallback;
        bool Flag(string key) => c.TryGetProperty(key, out JsonElement v) && v.GetBoolean();
        double[] betas = c.TryGetProperty("betas", out JsonElement b) ? b.EnumerateArray().Select(x => x.GetDouble()).ToArray() : [0.9, 0.999];
        IGradientTransformation optimizer = c.GetProperty("optimizer").GetString() switch
        {
            "sgd" => Optimizers.Sgd(schedule, Get("momentum", 0), Flag("nesterov"), Get("weight_decay", 0)),
            "adam" => Optimizers.Adam(schedule, betas[0], betas[1], Get("eps", 1e-8), Get("weight_decay", 0)),
            "adamw" => Optimizers.AdamW(schedule, betas[0], betas[1], Get("eps", 1e-8), Get("weight_decay", 0.01)),
            "rmsprop" => Optimizers.RmsProp(schedule, Get("alpha", 0.99), Get("eps", 1e-8), Get("momentum", 0), Flag("centered"), Get("weight_decay", 0)),
            var k => throw new InvalidOperationException(k),
        };
        return c.TryGetProperty("clip", out JsonElement clip) ? optimizer.WithGlobalNormClipping(clip.GetDouble()) : optimizer;
    }

    private static Tensor Vec(string key, params int[] shape) => Tensor.FromArray(Floats(Golden.GetProperty(key)), shape);

    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();

    private static void Compare(string name, int step, string tensor, float[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            Assert.True(diff <= 2e-5 + 2e-4 * Math.Abs(expected[i]),
                $"{name}: step {step}, {tensor}[{i}] is {actual[i]:G9} but torch has {expected[i]:G9} (|diff| {diff:G3}).");
        }
    }
}

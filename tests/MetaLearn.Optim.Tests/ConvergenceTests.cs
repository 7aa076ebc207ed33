namespace MetaLearn.Optim.Tests;

/// <summary>Every optimizer minimises an ill-conditioned quadratic and the Rosenbrock function.</summary>
public class ConvergenceTests
{
    public static TheoryData<string> Names() => ["sgd", "sgd_momentum", "sgd_nesterov", "adam", "adamw", "rmsprop", "rmsprop_momentum"];

    private static IGradientTransformation Make(string name, double scale) => name switch
    {
        "sgd" => Optimizers.Sgd(0.1 * scale),
        "sgd_momentum" => Optimizers.Sgd(0.02 * scale, momentum: 0.9),
        "sgd_nesterov" => Optimizers.Sgd(0.02 * scale, momentum: 0.9, nesterov: true),
        "adam" => Optimizers.Adam(0.05),
        "adamw" => Optimizers.AdamW(0.05, weightDecay: 1e-4),
        "rmsprop" => Optimizers.RmsProp(0.01),
        "rmsprop_momentum" => Optimizers.RmsProp(0.002, momentum: 0.9),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void MinimisesQuadratic(string name)
    {
        Tensor scales = Tensor.FromArray([1.0, 3.0, 0.3], 3), target = Tensor.FromArray([1.0, -2.0, 0.5], 3);
        Tensor x = Run(Make(name, 1.0), Tensor.FromArray([4.0, 4.0, -4.0], 3), 1500,
            p => (scales * (p - target).Square()).Sum());
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Math.Abs(x[i] - target[i]) < 0.02, $"{name}: x[{i}] = {x[i]:G5}, expected {target[i]}.");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void MinimisesRosenbrock(string name)
    {
        // f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1); plain gradient steps need a small rate here.
        static Tensor Rosenbrock(Tensor p)
        {
            Tensor x = p.Slice(0, 0, 1), y = p.Slice(0, 1, 1);
            return ((1.0 - x).Square() + 100.0 * (y - x.Square()).Square()).Sum();
        }
        Tensor start = Tensor.FromArray([-1.2, 1.0], 2);
        double initial = Rosenbrock(start).Item();
        Tensor end = Run(Make(name, 0.01), start, 3000, Rosenbrock);
        double final = Rosenbrock(end).Item();
        Assert.True(final < 1e-2 * initial && final < 0.05, $"{name}: Rosenbrock went from {initial:G4} to {final:G4} at ({end[0]:G4}, {end[1]:G4}).");
    }

    private static Tensor Run(IGradientTransformation optimizer, Tensor start, int steps, Func<Tensor, Tensor> f)
    {
        ParameterSet p = ParameterSet.Of(("x", start)).AsLeaves();
        ParameterSet state = optimizer.Init(p);
        for (int i = 0; i < steps; i++)
        {
            Tensor g = Autograd.Grad(f(p["x"]), p["x"]);
            (p, state) = optimizer.StepDetached(p, ParameterSet.Of(("x", g)), state);
        }
        return p["x"];
    }
}

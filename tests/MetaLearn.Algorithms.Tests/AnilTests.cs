namespace MetaLearn.Algorithms.Tests;

/// <summary>
/// ANIL on y = w (u x): features u, head w. The inner loop moves only the head, w' = w - alpha dLs/dw(u, w), and the
/// meta-gradient reaches u both through the query features and through the adapted head. Checked against central
/// finite differences of the closed-form objective Lq(u, w'(u, w)) in float64.
/// </summary>
public class AnilTests
{
    private static readonly double[] Xs = [0.5, -1.0, 2.0], Ys = [1.0, -1.5, 3.5], Xq = [1.5, -0.5], Yq = [2.0, -1.0];
    private const double Alpha = 0.05;

    private static double Objective(double u, double w, int steps)
    {
        for (int s = 0; s < steps; s++)
        {
            double uu = u, ww = w;
            w -= Alpha * 2 * Xs.Select((x, i) => uu * x * (ww * uu * x - Ys[i])).Average();
        }
        double wf = w;
        return Xq.Select((x, i) => Math.Pow(wf * u * x - Yq[i], 2)).Average();
    }

    private static Backbone Model(double u, double w)
    {
        var r = new Rng(1);
        var net = new Backbone("scalar", new Linear(1, 1, r, bias: false, dtype: DType.Float64), new Linear(1, 1, r, bias: false, dtype: DType.Float64));
        net.Parameters = ParameterSet.Of(("features.weight", Tensor.FromArray(new[] { u }, 1, 1)), ("head.weight", Tensor.FromArray(new[] { w }, 1, 1))).AsLeaves();
        return net;
    }

    private static FewShotTask Task() => FewShotTask.Regression(
        Tensor.FromArray(Xs, 3, 1), Tensor.FromArray(Ys, 3, 1), Tensor.FromArray(Xq, 2, 1), Tensor.FromArray(Yq, 2, 1));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void MetaGradientMatchesFiniteDifferencesOfTheHeadOnlyInnerLoop(int steps)
    {
        const double U = 0.7, W = -0.4, H = 1e-6;
        var anil = new Anil(Model(U, W), new MamlOptions { InnerLearningRate = Alpha, TrainInnerSteps = steps });
        MetaGradient r = TestData.Gradient(anil, Task());
        double du = (Objective(U + H, W, steps) - Objective(U - H, W, steps)) / (2 * H);
        double dw = (Objective(U, W + H, steps) - Objective(U, W - H, steps)) / (2 * H);
        Assert.Equal(du, r.Gradient["features.weight"].Item(), 7);
        Assert.Equal(dw, r.Gradient["head.weight"].Item(), 7);
        Assert.Equal(Objective(U, W, steps), r.Metrics["loss"], 12);
    }

    [Fact]
    public void AdaptationChangesOnlyTheHead()
    {
        const double U = 0.7, W = -0.4;
        var anil = new Anil(Model(U, W), new MamlOptions { InnerLearningRate = Alpha, TestInnerSteps = 1 });
        Tensor x = Tensor.FromArray(new[] { 1.0 }, 1, 1);
        double w1 = W - Alpha * 2 * Xs.Select((xi, i) => U * xi * (W * U * xi - Ys[i])).Average();
        Assert.Equal(w1 * U, TestData.Adapt(anil, Task().Support).Predict(x).Item(), 12);
    }
}

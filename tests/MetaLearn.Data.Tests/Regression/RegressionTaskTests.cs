using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Data.Tests.Regression;

public class RegressionTaskTests
{
    [Fact]
    public void SinusoidTasksFollowTheMamlDistribution()
    {
        var family = new SinusoidTasks(shots: 10, queries: 7);
        var rng = new Rng(5);
        for (int t = 0; t < 200; t++)
        {
            var f = (Sinusoid)family.SampleFunction(rng);
            Assert.InRange(f.Amplitude, 0.1, 5.0);
            Assert.InRange(f.Phase, 0.0, Math.PI);
        }
        FewShotTask task = family.Sample(new Rng(9));
        Assert.False(task.IsClassification);
        Assert.Equal(new[] { 10, 1 }, task.SupportInputs.Shape.ToArray());
        Assert.Equal(new[] { 7, 1 }, task.QueryTargets!.Shape.ToArray());
        Assert.StartsWith("sinusoid", task.Description);

        var fixedCurve = new Sinusoid(2.0, 0.5);
        FewShotTask onCurve = family.SampleFrom(fixedCurve, new Rng(1));
        float[] x = onCurve.SupportInputs.ToFloatArray(), y = onCurve.SupportTargets!.ToFloatArray();
        for (int i = 0; i < x.Length; i++)
        {
            Assert.InRange(x[i], -5f, 5f);
            Assert.Equal(2.0 * Math.Sin(x[i] - 0.5), y[i], 4);
        }
    }

    [Fact]
    public void SameSeedSameTasks()
    {
        var family = new SinusoidTasks(5, 5);
        float[] a = family.Sample(new Rng(3)).QueryTargets!.ToFloatArray();
        float[] b = family.Sample(new Rng(3)).QueryTargets!.ToFloatArray();
        float[] c = family.Sample(new Rng(4)).QueryTargets!.ToFloatArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void LinearTasksHaveConfigurableDimensions()
    {
        var family = new LinearTasks(shots: 4, queries: 3, inputDim: 3, outputDim: 2);
        var rng = new Rng(2);
        var f = (LinearFunction)family.SampleFunction(rng);
        Assert.Equal(6, f.Weight.Count);
        Assert.All(f.Weight, w => Assert.InRange(w, -3, 3));
        FewShotTask task = family.SampleFrom(f, rng);
        Assert.Equal(new[] { 4, 3 }, task.SupportInputs.Shape.ToArray());
        Assert.Equal(new[] { 4, 2 }, task.SupportTargets!.Shape.ToArray());
        float[] x = task.SupportInputs.ToFloatArray(), y = task.SupportTargets.ToFloatArray();
        for (int p = 0; p < 4; p++)
        {
            for (int o = 0; o < 2; o++)
            {
                double expected = f.Bias[o] + Enumerable.Range(0, 3).Sum(i => f.Weight[(o * 3) + i] * x[(p * 3) + i]);
                Assert.Equal(expected, y[(p * 2) + o], 3);
            }
        }
    }

    [Fact]
    public void GaussianLinearTasksDrawStandardNormalCoefficientsAndInputs()
    {
        var family = new GaussianLinearTasks(shots: 6, queries: 4, inputDim: 8, outputDim: 2);
        var rng = new Rng(11);
        var weights = new List<double>();
        var biases = new List<double>();
        var inputs = new List<float>();
        for (int t = 0; t < 2000; t++)
        {
            var f = (LinearFunction)family.SampleFunction(rng);
            Assert.Equal((8, 2), (f.InputDim, f.OutputDim));
            weights.AddRange(f.Weight);
            biases.AddRange(f.Bias);
            FewShotTask task = family.SampleFrom(f, rng);
            float[] x = task.SupportInputs.ToFloatArray(), y = task.SupportTargets!.ToFloatArray();
            inputs.AddRange(x);
            for (int p = 0; p < 6; p++)
            {
                for (int o = 0; o < 2; o++)
                {
                    double expected = f.Bias[o] + Enumerable.Range(0, 8).Sum(i => f.Weight[(o * 8) + i] * x[(p * 8) + i]);
                    Assert.Equal(expected, y[(p * 2) + o], 1e-4); // y = x W + b (float32) without noise
                }
            }
        }
        // 32,000 weights, 4,000 biases, 96,000 inputs: means within 4 standard errors of 0, variances of 1.
        foreach ((IReadOnlyList<double> v, string what) in new[] { ((IReadOnlyList<double>)weights, "W"), (biases, "b"), ([.. inputs.Select(x => (double)x)], "x") })
        {
            double mean = v.Average(), variance = v.Sum(a => (a - mean) * (a - mean)) / v.Count;
            Assert.True(Math.Abs(mean) < 4 / Math.Sqrt(v.Count), $"{what}: mean {mean}");
            Assert.True(Math.Abs(variance - 1) < 4 * Math.Sqrt(2.0 / v.Count), $"{what}: variance {variance}");
        }
    }

    [Fact]
    public void TargetNoiseHasTheRequestedStandardDeviation()
    {
        var family = new GaussianLinearTasks(shots: 50, queries: 50) { NoiseStd = 0.5 };
        var rng = new Rng(3);
        var residuals = new List<double>();
        for (int t = 0; t < 200; t++)
        {
            var f = (LinearFunction)family.SampleFunction(rng);
            FewShotTask task = family.SampleFrom(f, rng);
            float[] x = task.QueryInputs.ToFloatArray(), y = task.QueryTargets!.ToFloatArray();
            residuals.AddRange(x.Select((xi, i) => y[i] - (f.Weight[0] * xi + f.Bias[0])));
        }
        double sd = Math.Sqrt(residuals.Sum(r => r * r) / residuals.Count);
        Assert.InRange(sd, 0.49, 0.51); // 10,000 draws: the standard error of the estimate is 0.0035
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianLinearTasks(5, 5) { NoiseStd = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianLinearTasks(5, 5, inputDim: 0));
    }

    [Fact]
    public void SinusoidOrLineMixesBothKinds()
    {
        var family = new SinusoidOrLineTasks(5, 5, sinusoidProbability: 0.3);
        var rng = new Rng(8);
        int sines = Enumerable.Range(0, 1000).Count(_ => family.SampleFunction(rng) is Sinusoid);
        Assert.InRange(sines, 250, 350);
        Assert.All(new SinusoidOrLineTasks(5, 5, 0).SampleBatch(rng, 20), t => Assert.StartsWith("line", t.Description));
    }

    [Fact]
    public void BadSettingsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SinusoidTasks(0, 5));
        Assert.Throws<ArgumentException>(() => new SinusoidTasks(5, 5, amplitudeMin: 3, amplitudeMax: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearTasks(5, 5, inputDim: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SinusoidOrLineTasks(5, 5, 1.5));
    }

    [Fact]
    public void FewShotTaskChecksCounts()
    {
        var e = Assert.Throws<ArgumentException>(() => FewShotTask.Classification(
            Tensor.Zeros(4, 2), [0, 0, 1, 1], Tensor.Zeros(3, 2), [0, 1, 1], ways: 2, shots: 2, queries: 2, classIds: [5, 6]));
        Assert.Contains("2 ways x 2 queries", e.Message);
        Assert.Throws<ArgumentException>(() => FewShotTask.Regression(Tensor.Zeros(4, 1), Tensor.Zeros(3, 1), Tensor.Zeros(2, 1), Tensor.Zeros(2, 1)));
    }
}

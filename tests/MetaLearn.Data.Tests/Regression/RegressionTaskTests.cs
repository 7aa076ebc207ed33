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

using MetaLearn.Algorithms;
using MetaLearn.Cli.Registry;
using MetaLearn.Cli.Training;
using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Reporting;

/// <summary>
/// For a sinusoid run: a few new tasks, each with its true curve, the K support points and the prediction of the
/// checkpoint adapted to them (as in figure 2 of Finn et al. 2017).
/// </summary>
internal static class RegressionFits
{
    private const int Tasks = 3, Grid = 100;
    private const double XMin = -5, XMax = 5; // the input range of the sinusoid tasks

    public static IEnumerable<string> Render(RunConfig config, string checkpoint)
    {
        IMetaLearner learner = RunSetup.BuildLearner(config);
        LearnerState state = RunSetup.LoadCheckpoint(learner, checkpoint);
        var family = new SinusoidTasks(config.Int("shots"), config.Int("queries"));
        var rng = new Rng(7);
        int k = config.Int("shots");
        double[] grid = [.. Enumerable.Range(0, Grid).Select(i => XMin + ((XMax - XMin) * i / (Grid - 1)))];
        for (int t = 0; t < Tasks; t++)
        {
            RegressionFunction f = family.SampleFunction(rng);
            double[] xs = [.. Enumerable.Range(0, k).Select(_ => XMin + ((XMax - XMin) * rng.NextDouble()))];
            double[] ys = [.. xs.Select(x => Value(f, x))];
            var support = new SupportSet(ToTensor(xs), null, ToTensor(ys), 0);
            Tensor predicted = ((IPredictor)learner.Adapt(state, support, new Rng(100 + (ulong)t))).Predict(ToTensor(grid));
            yield return SvgChart.Render($"task {t + 1}: {f}", "x",
                new Series("true", [.. grid.Select(x => (x, Value(f, x)))], "#2ca02c"),
                new Series($"adapted ({k} points)", [.. grid.Select((x, i) => (x, predicted[i]))], "#d62728"),
                new Series("support", [.. xs.Zip(ys)], "#000", Markers: true));
        }
    }

    private static double Value(RegressionFunction f, double x)
    {
        Span<double> y = stackalloc double[1];
        f.Evaluate([x], y);
        return y[0];
    }

    private static Tensor ToTensor(double[] values) => Tensor.FromArray([.. values.Select(v => (float)v)], values.Length, 1);
}

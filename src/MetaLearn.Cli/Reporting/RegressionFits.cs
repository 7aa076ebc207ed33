using MetaLearn.Algorithms;
using MetaLearn.Cli.Registry;
using MetaLearn.Cli.Training;
using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Reporting;

/// <summary>
/// For a regression run: a few new tasks of the run's family, each adapted from its K support points. One input and one
/// output: the true function, the support points and the adapted prediction over the input range (as in figure 2 of
/// Finn et al. 2017). More: the adapted prediction against the truth at 100 query points per output, with the diagonal
/// where a perfect fit would lie.
/// </summary>
internal static class RegressionFits
{
    private const int Tasks = 3, Grid = 100, Points = 100;

    public static IEnumerable<string> Render(RunConfig config, string checkpoint)
    {
        IMetaLearner learner = RunSetup.BuildLearner(config);
        LearnerState state = RunSetup.LoadCheckpoint(learner, checkpoint);
        using TaskSources sources = config.Task.Open(config, null);
        if (sources.Test is not RegressionTaskFamily family)
        {
            yield break;
        }
        var rng = new Rng(7);
        for (int t = 0; t < Tasks; t++)
        {
            RegressionFunction f = family.SampleFunction(rng);
            FewShotTask task = family.SampleFrom(f, rng);
            var model = (IPredictor)learner.Adapt(state, task.Support, new Rng(100 + (ulong)t));
            string title = $"task {t + 1}: {f}";
            if (f.InputDim == 1 && f.OutputDim == 1)
            {
                yield return Curve(title, f, family, task, model);
            }
            else
            {
                foreach (string chart in Scatter(title, f, family, model, rng))
                {
                    yield return chart;
                }
            }
        }
    }

    private static string Curve(string title, RegressionFunction f, RegressionTaskFamily family, FewShotTask task, IPredictor model)
    {
        double[] grid = [.. Enumerable.Range(0, Grid).Select(i => family.InputMin + ((family.InputMax - family.InputMin) * i / (Grid - 1)))];
        Tensor predicted = model.Predict(Tensor.FromArray([.. grid.Select(x => (float)x)], Grid, 1));
        float[] xs = task.SupportInputs.ToFloatArray(), ys = task.SupportTargets!.ToFloatArray();
        return SvgChart.Render(title, "x",
            new Series("true", [.. grid.Select(x => (x, Value(f, [x])[0]))], "#2ca02c"),
            new Series($"adapted ({task.Shots} points)", [.. grid.Select((x, i) => (x, (double)predicted[i]))], "#d62728"),
            new Series("support", [.. xs.Zip(ys, (x, y) => ((double)x, (double)y))], "#000", Markers: true));
    }

    private static IEnumerable<string> Scatter(string title, RegressionFunction f, RegressionTaskFamily family, IPredictor model, Rng rng)
    {
        FewShotTask query = family.SampleFrom(f, rng); // fresh points of the same function
        Tensor inputs = query.QueryInputs.Shape[0] >= Points ? query.QueryInputs.Slice(0, 0, Points) : query.QueryInputs;
        float[] x = inputs.ToFloatArray();
        int n = inputs.Shape[0];
        float[] predicted = model.Predict(inputs).ToFloatArray();
        for (int o = 0; o < f.OutputDim; o++)
        {
            var pairs = new (double X, double Y)[n];
            for (int p = 0; p < n; p++)
            {
                double truth = Value(f, [.. x.AsSpan(p * f.InputDim, f.InputDim).ToArray().Select(v => (double)v)])[o];
                pairs[p] = (truth, predicted[(p * f.OutputDim) + o]);
            }
            double low = pairs.Min(q => Math.Min(q.X, q.Y)), high = pairs.Max(q => Math.Max(q.X, q.Y));
            yield return SvgChart.Render($"{title}, output {o + 1} of {f.OutputDim}: adapted against true at {n} new points", "true y",
                new Series("perfect fit", [(low, low), (high, high)], "#2ca02c"),
                new Series("adapted", pairs, "#d62728", Markers: true));
        }
    }

    private static double[] Value(RegressionFunction f, double[] x)
    {
        var y = new double[f.OutputDim];
        f.Evaluate(x, y);
        return y;
    }
}

// Paper reproductions on the MetaLearn.Algorithms contract (RESULTS.md records their output).
//
//   dotnet run -c Release --project examples/Reproduce -- sinusoid <maml|fomaml|reptile|metasgd> <iterations> [seed]
//       MAML section 5.1 protocol: MLP 1-40-40-1, K = 10 support points for training, meta-batch 25, outer Adam 1e-3,
//       one inner step of SGD 0.01 (Reptile: 5 inner SGD steps of 0.02, meta step 0.1 annealed to 0). Test: 1,000 new
//       tasks, K = 5 and K = 10 support points, 100 query points, MSE after 1, 5 and 10 inner steps (1..10 go to
//       RUN_DIR/mse_vs_steps.csv).
//   dotnet run -c Release --project examples/Reproduce -- sinusoid-plot <out.svg> <run-dir>...
//       One SVG of test MSE against inner steps for the given sinusoid runs (RESULTS.md's figure).
//   dotnet run -c Release --project examples/Reproduce -- omniglot-protonet <minutes> <omniglot-root> [trainWays] [metaBatch] [seed]
//       Snell et al. 2017: Vinyals split with rotations, 28x28, 4-layer convnet (64 channels, max-pool), trained with
//       trainWays-way 1-shot 5-query episodes (metaBatch per Adam step) under a wall-clock budget; validated on 100
//       5-way episodes every 100 steps; the best checkpoint tested 5-way 1-shot (15 queries) on 1,000 test episodes.
using System.Diagnostics;
using System.Globalization;
using MetaLearn.Algorithms;
using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Optim;
using MetaLearn.Tensors;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
return args.FirstOrDefault() switch
{
    "sinusoid" when args.Length >= 3 => Sinusoid(args[1], int.Parse(args[2]), args.Length > 3 ? ulong.Parse(args[3]) : 1),
    "sinusoid-plot" when args.Length >= 3 => SinusoidPlot(args[1], args[2..]),
    "omniglot-protonet" when args.Length >= 3 => OmniglotProtoNet(double.Parse(args[1]), args[2],
        args.Length > 3 ? int.Parse(args[3]) : 20, args.Length > 4 ? int.Parse(args[4]) : 2, args.Length > 5 ? ulong.Parse(args[5]) : 1),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: sinusoid <maml|fomaml|reptile|metasgd> <iterations> [seed] | sinusoid-plot <out.svg> <run-dir>... | omniglot-protonet <minutes> <omniglot-root> [trainWays] [metaBatch] [seed]");
    return 2;
}

static int Sinusoid(string algorithm, int iterations, ulong seed)
{
    Backbone model = Backbones.RegressionMlp(new Rng(seed));
    IMetaLearner learner = algorithm switch
    {
        "maml" => new Maml(model, new MamlOptions { InnerLearningRate = 0.01, TrainInnerSteps = 1 }),
        "fomaml" => new Maml(model, new MamlOptions { InnerLearningRate = 0.01, TrainInnerSteps = 1, FirstOrder = true }),
        "metasgd" => new MetaSgd(model, new MetaSgdOptions { InitialInnerLearningRate = 0.01 }),
        "reptile" => new Reptile(model, new ReptileOptions
        {
            InnerLearningRate = 0.02, TrainInnerSteps = 5, MetaStepSize = 0.1, FinalMetaStepSize = 0, AnnealSteps = iterations,
        }),
        _ => throw new ArgumentException($"unknown algorithm '{algorithm}'; use maml, fomaml, reptile or metasgd."),
    };
    string dir = Path.Combine("runs", $"sinusoid-{algorithm}-{iterations}-seed{seed}");
    var trainer = new MetaTrainer(learner, new SinusoidTasks(10, 10), new SinusoidTasks(10, 100), new MetaTrainerOptions
    {
        Steps = iterations, MetaBatchSize = 25, Seed = seed, ValidationInterval = Math.Max(1, iterations / 10), ValidationEpisodes = 100,
        OutputDirectory = dir, CheckpointInterval = 1000, Resume = true,
    }, new ConsoleProgress(Math.Max(1, iterations / 20)));
    Console.WriteLine($"sinusoid {learner.Name}: {iterations} meta-iterations, meta-batch 25, K=10, seed {seed}; config {learner.ConfigJson}");
    LearnerState state;
    try
    {
        TrainingSummary summary = trainer.Run();
        state = summary.State;
        Console.WriteLine($"trained {summary.Step} steps in {summary.Elapsed.TotalMinutes:F1} min (resumed from {summary.ResumedFrom})");
    }
    catch (TrainingDivergedException e)
    {
        // Test what training produced before it diverged: the best validated checkpoint.
        (state, Checkpoint best) = LearnerCheckpoint.Restore(Path.Combine(dir, MetaTrainer.BestCheckpoint), learner);
        Console.WriteLine($"{e.Message}\ntesting the best checkpoint instead (step {best.Metadata.Step})");
    }

    var curve = new List<string> { "shots,inner_steps,mse,ci95" };
    foreach (int k in new[] { 5, 10 })
    {
        var line = new List<string>();
        for (int steps = 1; steps <= 10; steps++)
        {
            IMetaLearner tester = algorithm switch
            {
                "maml" or "fomaml" => new Maml(model, ((Maml)learner).Options with { TestInnerSteps = steps }),
                "metasgd" => new MetaSgd(model, ((MetaSgd)learner).Options with { TestInnerSteps = steps }),
                _ => new Reptile(model, ((Reptile)learner).Options with { TestInnerSteps = steps }),
            };
            EvaluationResult r = Evaluator.Evaluate(tester, state, new SinusoidTasks(k, 100),
                new EvaluatorOptions { Episodes = 1000, Seed = 12345, BatchNorm = BatchNormAtTest.Transductive });
            curve.Add(FormattableString.Invariant($"{k},{steps},{r.Mean:G6},{r.Ci95:G6}"));
            if (steps is 1 or 5 or 10)
            {
                line.Add($"{steps} step{(steps > 1 ? "s" : "")}: {r.Mean:F3} ± {r.Ci95:F3}");
            }
        }
        Console.WriteLine($"test MSE, K={k}, 1000 tasks, 100 query points: {string.Join(" | ", line)}");
    }
    File.WriteAllLines(Path.Combine(dir, "mse_vs_steps.csv"), curve);
    Console.WriteLine($"MSE after 1..10 inner steps: {Path.Combine(dir, "mse_vs_steps.csv")}");
    return 0;
}

// Test MSE against inner steps for several sinusoid runs, as one SVG (log-scale MSE; K=5 solid, K=10 dashed).
static int SinusoidPlot(string output, string[] runs)
{
    string[] colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"];
    const int W = 600, H = 360, L = 50, R = 130, T = 30, B = 45;
    const double LogMin = -1.5, LogMax = 1.0; // MSE 0.03 .. 10; larger values (divergence) are clipped to the top edge
    double Sx(double steps) => L + ((steps - 1) / 9 * (W - L - R));
    double Sy(double mse) => T + ((LogMax - Math.Clamp(Math.Log10(mse), LogMin, LogMax)) / (LogMax - LogMin) * (H - T - B));
    var svg = new System.Text.StringBuilder();
    svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"11\">")
        .Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        .Append(CultureInfo.InvariantCulture, $"<text x=\"{L}\" y=\"18\" font-size=\"13\">Sinusoid test MSE vs inner steps (1,000 tasks; K=5 solid, K=10 dashed)</text>")
        .Append(CultureInfo.InvariantCulture, $"<rect x=\"{L}\" y=\"{T}\" width=\"{W - L - R}\" height=\"{H - T - B}\" fill=\"none\" stroke=\"#999\"/>");
    foreach (double mse in new[] { 0.03, 0.1, 0.3, 1, 3, 10 })
    {
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{L - 5}\" y=\"{Sy(mse) + 4:F1}\" text-anchor=\"end\">{mse}</text><line x1=\"{L}\" x2=\"{W - R}\" y1=\"{Sy(mse):F1}\" y2=\"{Sy(mse):F1}\" stroke=\"#eee\"/>");
    }
    for (int steps = 1; steps <= 10; steps++)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Sx(steps):F1}\" y=\"{H - B + 15}\" text-anchor=\"middle\">{steps}</text>");
    }
    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(L + W - R) / 2}\" y=\"{H - 10}\" text-anchor=\"middle\">inner gradient steps at test time</text>");
    for (int i = 0; i < runs.Length; i++)
    {
        string[] rows = File.ReadAllLines(Path.Combine(runs[i], "mse_vs_steps.csv"))[1..];
        string colour = colours[i % colours.Length];
        foreach (int k in new[] { 5, 10 })
        {
            var points = rows.Select(r => r.Split(',')).Where(f => f[0] == k.ToString(CultureInfo.InvariantCulture))
                .Select(f => (Steps: double.Parse(f[1], CultureInfo.InvariantCulture), Mse: double.Parse(f[2], CultureInfo.InvariantCulture)))
                .Where(p => !double.IsNaN(p.Mse)).Select(p => string.Create(CultureInfo.InvariantCulture, $"{Sx(p.Steps):F1},{Sy(p.Mse):F1}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.8\"{(k == 10 ? " stroke-dasharray=\"5,3\"" : "")} points=\"{string.Join(' ', points)}\"/>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{W - R + 8}\" y=\"{T + 12 + (i * 16)}\" fill=\"{colour}\">{System.Net.WebUtility.HtmlEncode(Label(runs[i]))}</text>");
    }
    File.WriteAllText(output, svg.Append("</svg>\n").ToString());

    // runs/sinusoid-maml-70000-seed1 -> "maml, 70000 it."
    static string Label(string run)
    {
        string[] parts = Path.GetFileName(Path.TrimEndingDirectorySeparator(run)).Split('-');
        return parts.Length >= 3 ? $"{parts[1]}, {parts[2]} it." : string.Join('-', parts);
    }
    Console.WriteLine($"wrote {output} from {runs.Length} runs");
    return 0;
}

static int OmniglotProtoNet(double minutes, string root, int trainWays, int metaBatch, ulong seed)
{
    var clock = Stopwatch.StartNew();
    using OmniglotDataset data = OmniglotDataset.Open(root, 28, OmniglotSet.Background, OmniglotSet.Evaluation);
    OmniglotSplit split = OmniglotSplit.Vinyals(data, seed: 1);
    var cached = new CachedDataset(data);
    var (trainPart, validationPart, testPart) = split.Apply(cached);
    TaskSampler Sampler(ILabeledDataset part, int ways, int queries)
        => new(new RotatedClasses(part), new NWays(ways), new KShots(1, queries), new RemapLabels());
    TaskSampler train = Sampler(trainPart, trainWays, 5);
    TaskSampler validation = Sampler(validationPart, 5, 5);
    TaskSampler test = Sampler(testPart, 5, 15);

    Backbone net = Backbones.OmniglotConvNet(5, new Rng(seed), hidden: 64, downsampling: ConvDownsampling.MaxPool);
    var learner = new ProtoNet(net, new ProtoNetOptions { Outer = new() { LearningRate = 0.001, HalvingInterval = 2000 } });
    const int Steps = 100_000; // an upper bound; the wall-clock budget ends the run
    var trainer = new MetaTrainer(learner, train, validation, new MetaTrainerOptions
    {
        Steps = Steps, MetaBatchSize = metaBatch, Seed = seed, ValidationInterval = 100, ValidationEpisodes = 100,
        OutputDirectory = Path.Combine("runs", $"omniglot-protonet-{trainWays}way-seed{seed}"), CheckpointInterval = 100,
    }, new ConsoleProgress(10));
    Console.WriteLine($"omniglot protonet: {net.Architecture}, train {trainWays}-way 1-shot 5-query, meta-batch {metaBatch}, budget {minutes} min, seed {seed}");
    using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(minutes));
    TrainingSummary summary = trainer.Run(cancellationToken: budget.Token);
    Console.WriteLine($"trained {summary.Step} episodes in {summary.Elapsed.TotalMinutes:F1} min; best validation {summary.BestMetric:F4} at step {summary.BestStep}");

    string bestPath = Path.Combine(trainer.Options.OutputDirectory!, MetaTrainer.BestCheckpoint);
    string which = "final parameters (no validation ran)";
    LearnerState state = summary.State;
    if (File.Exists(bestPath))
    {
        (state, Checkpoint best) = LearnerCheckpoint.Restore(bestPath, learner);
        which = $"best checkpoint, step {best.Metadata.Step}";
    }
    var testClock = Stopwatch.StartNew();
    EvaluationResult r = Evaluator.Evaluate(learner, state, test, new EvaluatorOptions { Episodes = 1000, Seed = 2024, BatchNorm = BatchNormAtTest.Transductive });
    Console.WriteLine($"test 5-way 1-shot ({which}): {r} in {testClock.Elapsed.TotalSeconds:F0}s; total wall-clock {clock.Elapsed.TotalMinutes:F1} min");
    return 0;
}

internal sealed class ConsoleProgress(int every) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress p)
    {
        if (!p.Validating && (p.Step % every == 0 || p.Validation is not null))
        {
            string acc = p.Metrics.TryGet("accuracy", out double a) ? $" acc {a:F3}" : "";
            string val = p.Validation is { } v ? $"  validation {v.Metric} {v.Mean:F4} ± {v.Ci95:F4}" : "";
            Console.WriteLine($"step {p.Step,6}/{p.TotalSteps}  loss {p.Metrics["loss"]:F4}{acc}{val}  {p.Elapsed.TotalSeconds:F0}s");
        }
    }
}

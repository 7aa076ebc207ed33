// MAML inside your own program, from the MetaLearn NuGet packages: second-order MAML (Finn et al. 2017) on the
// paper's sinusoid regression tasks (section 5.1: y = A sin(x - phi), 10 points per task, a 1-40-40-1 MLP, one inner
// SGD step of 0.01, meta-batches of 25, Adam 0.001), trained for 1,000 meta-steps instead of the paper's 70,000, and
// tested on 1,000 new sinusoids before and after: fit each from 10 points with 10 SGD steps, score 100 more.
//
//   dotnet run -c Release -- [meta-steps]      (after packing the libraries into ../../pkg; see nuget.config)
using MetaLearn.Algorithms;
using MetaLearn.Data;
using MetaLearn.NN;
using MetaLearn.Optim;
using MetaLearn.Tensors;

int steps = args.Length > 0 ? int.Parse(args[0]) : 1000;

Backbone model = Backbones.RegressionMlp(new Rng(seed: 1));
var maml = new Maml(model, new MamlOptions { InnerLearningRate = 0.01, TrainInnerSteps = 1, TestInnerSteps = 10, Outer = new() { LearningRate = 0.001 } });
var testTasks = new SinusoidTasks(shots: 10, queries: 100);
var test = new EvaluatorOptions { Episodes = 1000, Seed = 7, BatchNorm = BatchNormAtTest.SupportStatistics };

EvaluationResult before = Evaluator.Evaluate(maml, maml.Init(), testTasks, test);
Console.WriteLine($"before meta-training: test {before}");

var trainer = new MetaTrainer(maml, new SinusoidTasks(shots: 10, queries: 10), validation: null,
    new MetaTrainerOptions { Steps = steps, MetaBatchSize = 25, Seed = 1 });
TrainingSummary summary = trainer.Run();   // the learner's state after training; writes nothing (no OutputDirectory)

EvaluationResult after = Evaluator.Evaluate(maml, summary.State, testTasks, test);
Console.WriteLine($"after {summary.Step} MAML steps ({summary.Elapsed.TotalSeconds:F1} s): test {after}");

// One new task, the way an application would use the trained initialisation: adapt on its support set, predict.
FewShotTask task = testTasks.Sample(new Rng(42));
var fitted = (IPredictor)maml.Adapt(summary.State, task.Support, new Rng(0));
Tensor prediction = fitted.Predict(task.QueryInputs);
double[] x = task.QueryInputs.ToDoubleArray(), y = task.QueryTargets!.ToDoubleArray(), p = prediction.ToDoubleArray();
Console.WriteLine($"one new sinusoid ({task.Description}), fitted from {task.Shots} points:");
for (int i = 0; i < 3; i++)
{
    Console.WriteLine(FormattableString.Invariant($"  x = {x[i],6:F2}   y = {y[i],6:F2}   predicted {p[i],6:F2}"));
}

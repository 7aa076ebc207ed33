// Second-order MAML (Finn et al. 2017, section 5.1) on sinusoid regression, written against the engine
// alone: an MLP 1-40-40-1, one inner SGD step on K = 10 points, the meta-gradient taken through that
// step (createGraph: true), and an outer Adam step. It needs no data: tasks are drawn from a seeded Rng.
//
//   dotnet run -c Release --project examples/MamlSinusoid -- [iterations] [seed]
using System.Diagnostics;
using MetaLearn.Optim;
using MetaLearn.Tensors;

int iterations = args.Length > 0 ? int.Parse(args[0]) : 2000;
ulong seed = args.Length > 1 ? ulong.Parse(args[1]) : 1;
const int MetaBatch = 25, Shots = 10, Queries = 10;
const double InnerLr = 0.01, OuterLr = 0.001;

var rng = new Rng(seed);
Tensor[] theta = [Init(rng, 40, 1), Tensor.Zeros(40), Init(rng, 40, 40), Tensor.Zeros(40), Init(rng, 1, 40), Tensor.Zeros(1)];
foreach (Tensor p in theta)
{
    p.SetRequiresGrad();
}
IGradientTransformation adam = Optimizers.Adam(OuterLr);
ParameterSet adamState = adam.Init(Named(theta));
Rng taskRng = rng.Split();

Console.WriteLine($"MAML sinusoid: {iterations} meta-iterations, meta-batch {MetaBatch}, K={Shots}, inner lr {InnerLr}, outer Adam lr {OuterLr}, seed {seed}");
var clock = Stopwatch.StartNew();
for (int it = 1; it <= iterations; it++)
{
    Tensor[] metaGrad = theta.Select(Tensor.ZerosLike).ToArray();
    double metaLoss = 0;
    for (int t = 0; t < MetaBatch; t++)
    {
        (Tensor xs, Tensor ys, Tensor xq, Tensor yq) = SampleTask(taskRng, Shots, Queries);
        Tensor[] fast = Adapt(theta, xs, ys, steps: 1, createGraph: true);
        Tensor queryLoss = Functional.MseLoss(Forward(fast, xq), yq);
        Tensor[] g = Autograd.Grad(queryLoss, theta);
        for (int i = 0; i < theta.Length; i++)
        {
            metaGrad[i] += g[i];
        }
        metaLoss += queryLoss.Item();
    }
    (ParameterSet next, adamState) = adam.StepDetached(Named(theta), Named(metaGrad.Select(g => g / MetaBatch).ToArray()), adamState);
    theta = next.Tensors.ToArray();
    if (it % 100 == 0 || it == iterations)
    {
        Console.WriteLine($"iteration {it,6}  meta-loss {metaLoss / MetaBatch:F4}  {clock.Elapsed.TotalMilliseconds / it:F1} ms/iteration");
    }
}

// Evaluate on 200 new tasks: query MSE after 0, 1 and 10 inner steps from the meta-learned initialisation.
var evalRng = new Rng(seed + 1000);
var mse = new double[3];
int[] steps = [0, 1, 10];
const int EvalTasks = 200;
for (int t = 0; t < EvalTasks; t++)
{
    (Tensor xs, Tensor ys, Tensor xq, Tensor yq) = SampleTask(evalRng, Shots, 100);
    for (int s = 0; s < steps.Length; s++)
    {
        Tensor[] fast = Adapt(theta, xs, ys, steps[s], createGraph: false);
        using (Autograd.NoGrad())
        {
            mse[s] += Functional.MseLoss(Forward(fast, xq), yq).Item() / EvalTasks;
        }
    }
}
Console.WriteLine($"test MSE on {EvalTasks} new tasks (K={Shots}): 0 steps {mse[0]:F3}, 1 step {mse[1]:F3}, 10 steps {mse[2]:F3}");

// PyTorch's nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
static Tensor Init(Rng rng, int fanOut, int fanIn)
    => Tensor.Uniform(rng, [fanOut, fanIn], -1 / Math.Sqrt(fanIn), 1 / Math.Sqrt(fanIn));

static ParameterSet Named(Tensor[] tensors) => ParameterSet.Of(tensors.Select((t, i) => ($"p{i}", t)).ToArray());

static Tensor Forward(Tensor[] p, Tensor x)
{
    Tensor h = Functional.Linear(x, p[0], p[1]).Relu();
    h = Functional.Linear(h, p[2], p[3]).Relu();
    return Functional.Linear(h, p[4], p[5]);
}

static Tensor[] Adapt(Tensor[] theta, Tensor x, Tensor y, int steps, bool createGraph)
{
    Tensor[] fast = theta;
    for (int s = 0; s < steps; s++)
    {
        Tensor[] g = Autograd.Grad(Functional.MseLoss(Forward(fast, x), y), fast, createGraph: createGraph);
        fast = fast.Zip(g, (w, gw) => w - InnerLr * gw).ToArray();
    }
    return fast;
}

// Amplitude U[0.1, 5], phase U[0, pi], x U[-5, 5], as in the MAML paper.
static (Tensor Xs, Tensor Ys, Tensor Xq, Tensor Yq) SampleTask(Rng rng, int shots, int queries)
{
    double amplitude = rng.NextDouble(0.1, 5.0), phase = rng.NextDouble(0, Math.PI);
    Tensor xs = Tensor.Uniform(rng, [shots, 1], -5, 5), xq = Tensor.Uniform(rng, [queries, 1], -5, 5);
    return (xs, ((xs - phase).Sin() * amplitude).Detach(), xq, ((xq - phase).Sin() * amplitude).Detach());
}

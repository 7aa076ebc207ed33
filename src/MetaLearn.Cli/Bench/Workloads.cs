using MetaLearn.Algorithms;
using MetaLearn.Data;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Bench;

/// <summary>
/// The workloads of the side-by-side comparison, the same shapes and hyperparameters as
/// bench/pytorch_workloads.py. Each returns one step to time. Tasks of a meta-batch run on
/// <c>threads</c> workers; their gradients are summed in task order, so results do not depend on it.
/// </summary>
internal static class Workloads
{
    public static readonly string[] Names =
    [
        "maml-sinusoid-2nd", "maml-sinusoid-1st", "maml-omniglot-2nd", "maml-omniglot-1st",
        "protonet-60w5s", "reptile-sinusoid", "relation-5w1s", "relation-20w1s", "matching-5w1s", "matching-fce-5w1s", "sgemm-64", "sgemm-256", "sgemm-1024",
    ];

    public static Action Create(string name, int threads) => name switch
    {
        "maml-sinusoid-2nd" => MamlSinusoid(firstOrder: false, threads),
        "maml-sinusoid-1st" => MamlSinusoid(firstOrder: true, threads),
        "maml-omniglot-2nd" => MamlOmniglot(firstOrder: false, threads),
        "maml-omniglot-1st" => MamlOmniglot(firstOrder: true, threads),
        "protonet-60w5s" => ProtoNet(),
        "reptile-sinusoid" => ReptileSinusoid(),
        "relation-5w1s" => Relation(5, 1, 19, threads),
        "relation-20w1s" => Relation(20, 1, 10, threads),
        "matching-5w1s" => Matching(fce: false, threads),
        "matching-fce-5w1s" => Matching(fce: true, threads),
        "sgemm-64" => Sgemm(64),
        "sgemm-256" => Sgemm(256),
        "sgemm-1024" => Sgemm(1024),
        _ => throw new ArgumentException($"unknown workload '{name}'; known: {string.Join(", ", Names)}"),
    };

    /// <summary>How many steps one timed repetition runs (tiny workloads repeat to rise above timer noise).</summary>
    public static int InnerRepeats(string name) => name == "sgemm-64" ? 200 : name.StartsWith("sgemm", StringComparison.Ordinal) ? 20 : 1;

    private static Tensor[] MlpParameters(Rng rng)
    {
        static Tensor U(Rng rng, int fanIn, params int[] shape) => Tensor.Uniform(rng, shape, -1 / Math.Sqrt(fanIn), 1 / Math.Sqrt(fanIn));
        return [U(rng, 1, 40, 1), U(rng, 1, 40), U(rng, 40, 40, 40), U(rng, 40, 40), U(rng, 40, 1, 40), U(rng, 40, 1)];
    }

    private static Tensor Mlp(Tensor[] p, Tensor x)
    {
        Tensor h = Functional.Linear(x, p[0], p[1]).Relu();
        h = Functional.Linear(h, p[2], p[3]).Relu();
        return Functional.Linear(h, p[4], p[5]);
    }

    private static (Tensor X, Tensor Y) Sinusoid(Rng rng, int n)
    {
        double amplitude = rng.NextDouble(0.1, 5.0), phase = rng.NextDouble(0, Math.PI);
        Tensor x = Tensor.Uniform(rng, [n, 1], -5, 5);
        return (x, (x - phase).Sin() * amplitude);
    }

    private static Action MamlSinusoid(bool firstOrder, int threads)
    {
        var rng = new Rng(0);
        Tensor[] p = Leaves(MlpParameters(rng));
        var adam = new OuterAdam(p, 1e-3);
        return () =>
        {
            Rng[] taskRngs = rng.Split(25);
            Tensor[] grad = MetaBatch(25, threads, p, t =>
            {
                (Tensor xs, Tensor ys) = Sinusoid(taskRngs[t], 10);
                (Tensor xq, Tensor yq) = Sinusoid(taskRngs[t], 10);
                Tensor[] g = Autograd.Grad(Functional.MseLoss(Mlp(p, xs), ys), p, createGraph: !firstOrder);
                Tensor[] fast = p.Zip(g, (w, gw) => w - 0.01 * gw).ToArray();
                return Functional.MseLoss(Mlp(fast, xq), yq) * (1.0 / 25);
            });
            adam.Step(grad);
        };
    }

    private static Tensor[] ConvParameters(Rng rng, int ways)
    {
        var p = new List<Tensor>();
        int cin = 1;
        for (int i = 0; i < 4; i++)
        {
            double b = 1 / Math.Sqrt(cin * 9);
            p.AddRange([Tensor.Uniform(rng, [64, cin, 3, 3], -b, b), Tensor.Zeros(64), Tensor.Ones(64), Tensor.Zeros(64)]);
            cin = 64;
        }
        if (ways > 0)
        {
            p.AddRange([Tensor.Uniform(rng, [ways, 64], -0.125, 0.125), Tensor.Zeros(ways)]);
        }
        return Leaves(p.ToArray());
    }

    private static Tensor ConvNet(Tensor[] p, Tensor x, bool head = true)
    {
        for (int i = 0; i < 4; i++)
        {
            x = Functional.Conv2d(x, p[4 * i], p[4 * i + 1], padding: 1);
            // batch norm, 2x2 max-pool and ReLU as one op, as Sequential runs the backbones' blocks
            x = Functional.BatchNormMaxPoolRelu(x, p[4 * i + 2], p[4 * i + 3]);
        }
        x = x.Flatten(1);
        return head ? Functional.Linear(x, p[16], p[17]) : x;
    }

    private static Action MamlOmniglot(bool firstOrder, int threads)
    {
        var rng = new Rng(0);
        Tensor[] p = ConvParameters(rng, 5);
        var adam = new OuterAdam(p, 1e-3);
        int[] ys = Enumerable.Range(0, 5).ToArray();
        int[] yq = Enumerable.Range(0, 75).Select(i => i / 15).ToArray();
        return () =>
        {
            Rng[] taskRngs = rng.Split(32);
            Tensor[] grad = MetaBatch(32, threads, p, t =>
            {
                Tensor xs = Tensor.Uniform(taskRngs[t], [5, 1, 28, 28]), xq = Tensor.Uniform(taskRngs[t], [75, 1, 28, 28]);
                Tensor[] g = Autograd.Grad(Functional.CrossEntropy(ConvNet(p, xs), ys), p, createGraph: !firstOrder);
                Tensor[] fast = p.Zip(g, (w, gw) => w - 0.4 * gw).ToArray();
                return Functional.CrossEntropy(ConvNet(fast, xq), yq) * (1.0 / 32);
            });
            adam.Step(grad);
        };
    }

    private static Action ProtoNet()
    {
        var rng = new Rng(0);
        Tensor[] p = ConvParameters(rng, 0);
        var adam = new OuterAdam(p, 1e-3);
        const int Ways = 60, Shots = 5, Queries = 5;
        int[] yq = Enumerable.Range(0, Ways * Queries).Select(i => i / Queries).ToArray();
        return () =>
        {
            Tensor[] grad;
            using (TensorScope scope = TensorScope.Begin())
            {
                Tensor x = Tensor.Uniform(rng, [Ways * (Shots + Queries), 1, 28, 28]);
                Tensor z = ConvNet(p, x, head: false).Reshape(Ways, Shots + Queries, -1);
                Tensor prototypes = z.Slice(1, 0, Shots).Mean(1);
                Tensor q = z.Slice(1, Shots, Queries).Reshape(Ways * Queries, -1);
                Tensor logits = -(q.Unsqueeze(1) - prototypes.Unsqueeze(0)).Square().Sum(-1);
                grad = scope.Keep(Autograd.Grad(Functional.CrossEntropy(logits, yq), p));
            }
            adam.Step(grad);
        };
    }

    private static Action ReptileSinusoid()
    {
        var rng = new Rng(0);
        Tensor[] p = MlpParameters(rng);
        return () =>
        {
            (Tensor xs, Tensor ys) = Sinusoid(rng, 10);
            Tensor[] fast = Leaves(p);
            for (int s = 0; s < 32; s++)
            {
                Tensor[] g = Autograd.Grad(Functional.MseLoss(Mlp(fast, xs), ys), fast);
                fast = Leaves(fast.Zip(g, (w, gw) => w - 0.02 * gw).ToArray());
            }
            p = p.Zip(fast, (w, f) => w + 0.1 * (f - w)).ToArray();
        };
    }

    /// <summary>One training episode of the library's <see cref="RelationNetworks"/> on the authors' Omniglot networks.</summary>
    private static Action Relation(int ways, int shots, int queries, int threads)
    {
        var rng = new Rng(0);
        var learner = new RelationNetworks(RelationNetworks.OmniglotModel(rng), new RelationNetworksOptions());
        LearnerState state = learner.Init();
        int[] supportLabels = [.. Enumerable.Range(0, ways * shots).Select(i => i / shots)];
        int[] queryLabels = [.. Enumerable.Range(0, ways * queries).Select(i => i / queries)];
        long step = 0;
        return () =>
        {
            FewShotTask task = FewShotTask.Classification(Tensor.Uniform(rng, [ways * shots, 1, 28, 28]), supportLabels,
                Tensor.Uniform(rng, [ways * queries, 1, 28, 28]), queryLabels, ways, shots, queries, [.. Enumerable.Range(0, ways)]);
            state = learner.Step(state, [task], new StepContext(0, ++step, new LocalTaskExecutor(threads))).State;
        };
    }

    /// <summary>
    /// An n x n float product through the public tensor API, as torch.mm is on the other side: each call makes its result
    /// (in a <see cref="TensorScope"/>, so the memory is reused as PyTorch's allocator reuses its own).
    /// </summary>
    /// <summary>One update of the library's <see cref="MatchingNetworks"/>: 4 tasks of 5-way 1-shot with 15 queries per class.</summary>
    private static Action Matching(bool fce, int threads)
    {
        var rng = new Rng(0);
        var learner = new MatchingNetworks(MatchingNetworks.OmniglotModel(rng, fullContextEmbeddings: fce), new MatchingNetworksOptions { FullContextEmbeddings = fce });
        LearnerState state = learner.Init();
        const int Ways = 5, Shots = 1, Queries = 15, Tasks = 4;
        int[] supportLabels = [.. Enumerable.Range(0, Ways * Shots).Select(i => i / Shots)];
        int[] queryLabels = [.. Enumerable.Range(0, Ways * Queries).Select(i => i / Queries)];
        long step = 0;
        return () =>
        {
            ITask[] batch = [.. Enumerable.Range(0, Tasks).Select(_ => FewShotTask.Classification(Tensor.Uniform(rng, [Ways * Shots, 1, 28, 28]), supportLabels,
                Tensor.Uniform(rng, [Ways * Queries, 1, 28, 28]), queryLabels, Ways, Shots, Queries, [.. Enumerable.Range(0, Ways)]))];
            state = learner.Step(state, batch, new StepContext(0, ++step, new LocalTaskExecutor(threads))).State;
        };
    }

    private static Action Sgemm(int n)
    {
        var rng = new Rng(0);
        Tensor a = Tensor.Uniform(rng, [n, n]), b = Tensor.Uniform(rng, [n, n]);
        return () =>
        {
            using TensorScope scope = TensorScope.Begin();
            using (Autograd.NoGrad())
            {
                a.MatMul(b);
            }
        };
    }

    /// <summary>Runs <paramref name="tasks"/> task losses on <paramref name="threads"/> workers and sums their gradients in task order.</summary>
    private static Tensor[] MetaBatch(int tasks, int threads, Tensor[] p, Func<int, Tensor> taskLoss)
    {
        var grads = new Tensor[tasks][];
        // The tasks fill the cores, so each task's kernels stay on its own thread (the limit flows into Parallel.For).
        using (KernelThreads.Limit(1))
        {
            Parallel.For(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                // As MetaLearnerBase.MetaStep: each task's memory is reused by the next task.
                using TensorScope scope = TensorScope.Begin();
                grads[t] = scope.Keep(Autograd.Grad(taskLoss(t), p));
            });
        }
        Tensor[] total = grads[0];
        for (int t = 1; t < tasks; t++)
        {
            total = total.Zip(grads[t], (a, b) => a + b).ToArray();
        }
        return total;
    }

    private static Tensor[] Leaves(Tensor[] p) => p.Select(t => t.Detach().SetRequiresGrad()).ToArray();
}

using MetaLearn.Tensors;

namespace MetaLearn.Bench;

/// <summary>Adam for the benchmark's outer loop, updating the parameter array in place (the optimizer's cost is part of each workload on both sides).</summary>
internal sealed class BenchAdam(Tensor[] parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
{
    private readonly Tensor[] _m = parameters.Select(Tensor.ZerosLike).ToArray();
    private readonly Tensor[] _v = parameters.Select(Tensor.ZerosLike).ToArray();
    private int _t;

    public void Step(Tensor[] grads)
    {
        _t++;
        using Autograd.Scope noGrad = Autograd.NoGrad();
        double c1 = 1 - Math.Pow(beta1, _t), c2 = 1 - Math.Pow(beta2, _t);
        for (int i = 0; i < parameters.Length; i++)
        {
            _m[i] = _m[i] * beta1 + grads[i] * (1 - beta1);
            _v[i] = _v[i] * beta2 + grads[i].Square() * (1 - beta2);
            parameters[i] = (parameters[i] - _m[i] * (lr / c1) / ((_v[i] / c2).Sqrt() + eps)).SetRequiresGrad();
        }
    }
}

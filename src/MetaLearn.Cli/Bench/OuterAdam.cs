using MetaLearn.Optim;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Bench;

/// <summary>The outer-loop optimizer of the workloads: MetaLearn.Optim's Adam, updating the parameter array in place.</summary>
internal sealed class OuterAdam(Tensor[] parameters, double lr)
{
    private readonly IGradientTransformation _adam = Optimizers.Adam(lr);
    private ParameterSet? _state;

    public void Step(Tensor[] grads)
    {
        ParameterSet p = Named(parameters);
        _state ??= _adam.Init(p);
        (ParameterSet next, _state) = _adam.StepDetached(p, Named(grads), _state);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = next.Tensors[i];
        }
    }

    private static ParameterSet Named(Tensor[] tensors) => ParameterSet.Of(tensors.Select((t, i) => ($"p{i}", t)).ToArray());
}

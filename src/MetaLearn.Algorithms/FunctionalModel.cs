using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>An adapted model that is the shared network run on task-specific (fast) parameters.</summary>
internal sealed class FunctionalModel(Module model, ParameterSet parameters, ForwardContext context) : IAdaptedModel
{
    public Tensor Predict(Tensor queryInputs)
    {
        ArgumentNullException.ThrowIfNull(queryInputs);
        using (Autograd.NoGrad())
        {
            return model.Forward(queryInputs, parameters, context);
        }
    }
}

using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>An adapted model that is the shared network run on task-specific (fast) parameters: a regressor or a classifier.</summary>
internal class AdaptedNetwork(Module model, ParameterSet parameters, ForwardContext context) : IPredictor
{
    /// <summary>A classifier when <paramref name="ways"/> &gt; 0, else a regressor.</summary>
    public static AdaptedNetwork Create(Module model, ParameterSet parameters, ForwardContext context, int ways)
        => ways > 0 ? new Classifier(model, parameters, context, ways) : new AdaptedNetwork(model, parameters, context);

    public Tensor Predict(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using (Autograd.NoGrad())
        {
            return model.Forward(inputs, parameters, context);
        }
    }

    private sealed class Classifier(Module model, ParameterSet parameters, ForwardContext context, int ways)
        : AdaptedNetwork(model, parameters, context), IClassifier
    {
        public int Ways => ways;
    }
}

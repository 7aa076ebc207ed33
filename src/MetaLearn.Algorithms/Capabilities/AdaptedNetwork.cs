using MetaLearn.NN;
using MetaLearn.Tensors;

namespace MetaLearn.Algorithms;

/// <summary>
/// An adapted model that is the shared network run on task-specific (fast) parameters: a regressor or a classifier.
/// In training mode (batch-norm layers using batch statistics) it runs the support set through the adapted network
/// once, recording each layer's statistics, and normalises every later input with them, so a prediction depends on that
/// input and the support set only; <see cref="PredictTransductive"/> gives the published protocol instead.
/// </summary>
internal class AdaptedNetwork : ITransductivePredictor
{
    private readonly Module _model;
    private readonly ParameterSet _parameters;
    private readonly ForwardContext _context;
    private readonly ForwardContext _perInput;

    protected AdaptedNetwork(Module model, ParameterSet parameters, ForwardContext context, Tensor supportInputs)
    {
        _model = model;
        _parameters = parameters;
        _context = context;
        _perInput = context;
        if (context.Training)
        {
            var statistics = new SupportStatistics();
            using (Autograd.NoGrad())
            {
                model.Forward(supportInputs, parameters, context with { Statistics = statistics });
            }
            _perInput = context with { Statistics = statistics.Freeze() };
        }
    }

    /// <summary>A classifier when <paramref name="ways"/> &gt; 0, else a regressor; <paramref name="supportInputs"/> give the normalisation statistics.</summary>
    public static AdaptedNetwork Create(Module model, ParameterSet parameters, ForwardContext context, Tensor supportInputs, int ways)
        => ways > 0 ? new Classifier(model, parameters, context, supportInputs, ways) : new AdaptedNetwork(model, parameters, context, supportInputs);

    public Tensor Predict(Tensor inputs) => Run(inputs, _perInput);

    public Tensor PredictTransductive(Tensor inputs) => Run(inputs, _context);

    private Tensor Run(Tensor inputs, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using (Autograd.NoGrad())
        {
            return _model.Forward(inputs, _parameters, context);
        }
    }

    private sealed class Classifier(Module model, ParameterSet parameters, ForwardContext context, Tensor supportInputs, int ways)
        : AdaptedNetwork(model, parameters, context, supportInputs), IClassifier
    {
        public int Ways => ways;
    }
}

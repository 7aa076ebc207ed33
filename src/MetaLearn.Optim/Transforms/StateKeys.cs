using MetaLearn.Tensors;

namespace MetaLearn.Optim;

/// <summary>Conventions shared by the transforms for reading their state.</summary>
internal static class StateKeys
{
    public const string Count = "count";

    /// <summary>The update counter, stored as a float64 scalar so the state is a plain tensor map (exact up to 2^53).</summary>
    public static long ReadCount(string transform, ParameterSet state)
    {
        if (!state.TryGet(Count, out Tensor? count))
        {
            throw new ArgumentException($"{transform}: the state has no '{Count}' entry; pass the state returned by Init or by the previous Update. It has: {state.Describe()}.");
        }
        return (long)count.Item();
    }

    public static Tensor CountTensor(long count) => Tensor.Scalar(count, DType.Float64);

    /// <summary>The slot <paramref name="slot"/> (e.g. <c>mu</c>) of the state, checked against the gradients' structure.</summary>
    public static ParameterSet Slot(string transform, ParameterSet state, string slot, ParameterSet gradients)
    {
        ParameterSet s = state.Scope(slot);
        gradients.RequireSameStructure($"{transform}: gradients vs state slot '{slot}' (was the state made by Init for these parameters?)", s);
        return s;
    }

    public static void RequireParameters(string transform, ParameterSet? parameters, ParameterSet gradients)
    {
        if (parameters is null)
        {
            throw new ArgumentNullException(nameof(parameters), $"{transform} reads the current parameters; pass them to Update.");
        }
        gradients.RequireSameStructure($"{transform}: gradients vs parameters", parameters);
    }
}

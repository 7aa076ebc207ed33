using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// The arithmetic shared by <see cref="LstmCell"/> and <see cref="Lstm"/>: PyTorch's initialisation, the parameter
/// checks and one step of the cell, composed from differentiable tensor ops only.
/// </summary>
internal static class LstmGates
{
    /// <summary>
    /// PyTorch's <c>reset_parameters</c> of <c>nn.LSTM</c>/<c>nn.LSTMCell</c>: every tensor U(-1/sqrt(H), 1/sqrt(H)),
    /// drawn in the order weight_ih, weight_hh, bias_ih, bias_hh. The forget-gate bias gets nothing special.
    /// </summary>
    public static ParameterSet Initial(Rng rng, int inputSize, int hiddenSize, bool bias, DType dtype, string suffix)
    {
        double bound = 1.0 / Math.Sqrt(hiddenSize);
        var entries = new List<(string, Tensor)>
        {
            ("weight_ih" + suffix, Tensor.Uniform(rng, [4 * hiddenSize, inputSize], -bound, bound, dtype)),
            ("weight_hh" + suffix, Tensor.Uniform(rng, [4 * hiddenSize, hiddenSize], -bound, bound, dtype)),
        };
        if (bias)
        {
            entries.Add(("bias_ih" + suffix, Tensor.Uniform(rng, [4 * hiddenSize], -bound, bound, dtype)));
            entries.Add(("bias_hh" + suffix, Tensor.Uniform(rng, [4 * hiddenSize], -bound, bound, dtype)));
        }
        return ParameterSet.Of([.. entries]);
    }

    /// <summary>Throws, naming the layer and the parameter, unless <paramref name="t"/> has <paramref name="shape"/>.</summary>
    public static void CheckShape(string label, string name, Tensor t, params int[] shape)
    {
        if (!t.Shape.SequenceEqual(shape))
        {
            throw new ArgumentException(
                $"{label}: parameter '{name}' is {Format(t.Shape)} but this layer needs {Format(shape)}. " +
                "Pass a ParameterSet shaped like this module's Parameters (same input size, hidden size and bias setting).");
        }
    }

    /// <summary>
    /// One LSTM step (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000, as in PyTorch):
    /// <c>[i f g o] = inputGates + h W_hh^T + b_hh</c>; <c>c' = s(f) c + s(i) tanh(g)</c>; <c>h' = s(o) tanh(c')</c>.
    /// </summary>
    /// <param name="inputGates"><c>x W_ih^T + b_ih</c>, <c>[N, 4H]</c>, computed by the caller (for a sequence, one GEMM for all steps).</param>
    /// <param name="h">Hidden state <c>[N, H]</c>, or null for zeros (the first step from a zero state skips the hidden GEMM).</param>
    /// <param name="c">Cell state <c>[N, H]</c>, or null for zeros.</param>
    /// <param name="weightHh"><c>[4H, H]</c>.</param>
    /// <param name="biasHh"><c>[4H]</c> or null.</param>
    public static (Tensor H, Tensor C) Step(Tensor inputGates, Tensor? h, Tensor? c, Tensor weightHh, Tensor? biasHh)
    {
        Tensor gates = h is not null ? inputGates + Functional.Linear(h, weightHh, biasHh)
            : biasHh is not null ? inputGates + biasHh
            : inputGates;
        int hidden = weightHh.Shape[1];
        // PyTorch's gate layout: rows [0, H) of the weights are the input gate, then forget, cell candidate, output.
        Tensor input = gates.Slice(1, 0, hidden).Sigmoid();
        Tensor candidate = gates.Slice(1, 2 * hidden, hidden).Tanh();
        Tensor output = gates.Slice(1, 3 * hidden, hidden).Sigmoid();
        Tensor cell = input * candidate;
        if (c is not null)
        {
            cell = gates.Slice(1, hidden, hidden).Sigmoid() * c + cell; // the forget gate has nothing to forget in a zero state
        }
        return (output * cell.Tanh(), cell);
    }

    /// <summary>A shape as error messages write it, <c>[2, 3]</c>.</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}

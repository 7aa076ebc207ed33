using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// One step of a long short-term memory cell (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al.
/// 2000), laid out exactly as PyTorch's <c>nn.LSTMCell</c>:
/// <code>
/// [i f g o] = x W_ih^T + b_ih + h W_hh^T + b_hh          (four blocks of H columns, in this order)
/// c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
/// h' = sigmoid(o) * tanh(c')
/// </code>
/// Parameters <c>weight_ih [4H, in]</c>, <c>weight_hh [4H, H]</c>, <c>bias_ih [4H]</c> and <c>bias_hh [4H]</c>, named
/// as PyTorch's <c>state_dict</c> keys, so checkpoints move between the two.
/// </summary>
/// <remarks>
/// Every tensor is initialised U(-1/sqrt(H), 1/sqrt(H)) from the given <see cref="Rng"/>, as PyTorch does. As in
/// PyTorch, the forget-gate bias is <b>not</b> specially initialised (Jozefowicz et al. 2015 recommend 1); set
/// rows <c>[H, 2H)</c> of a bias yourself if you want that. The step is built from differentiable tensor ops only (one
/// GEMM for the input part of all four gates, one for the hidden part, the gates sliced from the <c>[N, 4H]</c>
/// result), so gradients of any order flow through it, e.g. in a MAML inner loop or Matching Networks' attention
/// LSTM (Vinyals et al. 2016).
/// </remarks>
public sealed class LstmCell : Module
{
    /// <summary>Creates the cell with PyTorch's initialisation drawn from <paramref name="rng"/>.</summary>
    /// <param name="inputSize">Features of each input, <c>in</c>.</param>
    /// <param name="hiddenSize">Size of the hidden and cell states, <c>H</c>.</param>
    /// <param name="rng">Random stream for the initial weights.</param>
    /// <param name="bias">Whether the cell has <c>bias_ih</c> and <c>bias_hh</c> (PyTorch's <c>bias</c>).</param>
    /// <param name="dtype">Element type of the parameters.</param>
    public LstmCell(int inputSize, int hiddenSize, Rng rng, bool bias = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inputSize < 1 || hiddenSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), $"LstmCell: sizes must be positive; got input {inputSize}, hidden {hiddenSize}.");
        }
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        HasBias = bias;
        OwnParameters = LstmGates.Initial(rng, inputSize, hiddenSize, bias, dtype, suffix: "").AsLeaves();
    }

    /// <summary>Features of each input, <c>in</c>.</summary>
    public int InputSize { get; }

    /// <summary>Size of the hidden and cell states, <c>H</c>.</summary>
    public int HiddenSize { get; }

    /// <summary>Whether the cell has <c>bias_ih</c> and <c>bias_hh</c>.</summary>
    public bool HasBias { get; }

    /// <inheritdoc/>
    public override string Label => $"LstmCell({InputSize} -> {HiddenSize}{(HasBias ? "" : ", no bias")})";

    /// <summary>
    /// One step on <paramref name="parameters"/> (named as in <see cref="Module.Parameters"/>): the new hidden and cell
    /// states, each <c>[N, H]</c>.
    /// </summary>
    /// <param name="x">Input <c>[N, in]</c>.</param>
    /// <param name="h">Hidden state <c>[N, H]</c> (zeros at the start of a sequence).</param>
    /// <param name="c">Cell state <c>[N, H]</c> (zeros at the start of a sequence).</param>
    /// <param name="parameters">The cell's parameters, or fast weights with the same names and shapes.</param>
    /// <param name="context">Accepted for uniformity with <see cref="Module.Forward(Tensor, ParameterSet, ForwardContext)"/>; the cell has no mode-dependent behaviour.</param>
    /// <exception cref="ArgumentException">A shape does not fit; the message names the cell, the shapes and a fix.</exception>
    public (Tensor H, Tensor C) Step(Tensor x, Tensor h, Tensor c, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(c);
        return StepCore(x, h, c, parameters, context);
    }

    /// <summary>One step on the cell's own parameters: <c>Step(x, h, c, Parameters, ...)</c>.</summary>
    /// <param name="x">Input <c>[N, in]</c>.</param>
    /// <param name="h">Hidden state <c>[N, H]</c>.</param>
    /// <param name="c">Cell state <c>[N, H]</c>.</param>
    public (Tensor H, Tensor C) Step(Tensor x, Tensor h, Tensor c) => Step(x, h, c, Parameters, new ForwardContext { Training = Training });

    /// <summary>
    /// One step from the zero state (<c>h = c = 0</c>, as PyTorch's <c>LSTMCell(x)</c> without <c>hx</c>); returns the new
    /// hidden state <c>[N, H]</c> only. Use <see cref="Step(Tensor, Tensor, Tensor, ParameterSet, ForwardContext)"/> to carry
    /// state through a sequence.
    /// </summary>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context) => StepCore(x, null, null, parameters, context).H;

    private (Tensor H, Tensor C) StepCore(Tensor x, Tensor? h, Tensor? c, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(context);
        if (x.Rank != 2 || x.Shape[1] != InputSize)
        {
            string fix = x.Rank == 1 && x.Shape[0] == InputSize
                ? $"for a single input use x.Unsqueeze(0) to make [1, {InputSize}]"
                : x.Rank == 2 ? $"build the cell with inputSize {x.Shape[1]}, or project the input to {InputSize} features"
                : $"reshape the input to [N, {InputSize}]";
            throw new ArgumentException($"{Label}: input {LstmGates.Format(x.Shape)} does not fit; expected [N, {InputSize}] (a batch of N inputs of {InputSize} features); {fix}.", nameof(x));
        }
        int n = x.Shape[0];
        CheckState("h", h, n);
        CheckState("c", c, n);

        Tensor weightIh = Require(parameters, "weight_ih"), weightHh = Require(parameters, "weight_hh");
        LstmGates.CheckShape(Label, "weight_ih", weightIh, 4 * HiddenSize, InputSize);
        LstmGates.CheckShape(Label, "weight_hh", weightHh, 4 * HiddenSize, HiddenSize);
        Tensor? biasIh = null, biasHh = null;
        if (HasBias)
        {
            biasIh = Require(parameters, "bias_ih");
            biasHh = Require(parameters, "bias_hh");
            LstmGates.CheckShape(Label, "bias_ih", biasIh, 4 * HiddenSize);
            LstmGates.CheckShape(Label, "bias_hh", biasHh, 4 * HiddenSize);
        }
        return LstmGates.Step(Functional.Linear(x, weightIh, biasIh), h, c, weightHh, biasHh);
    }

    private void CheckState(string name, Tensor? state, int batch)
    {
        if (state is not null && (state.Rank != 2 || state.Shape[0] != batch || state.Shape[1] != HiddenSize))
        {
            throw new ArgumentException(
                $"{Label}: state {name} {LstmGates.Format(state.Shape)} does not fit input with batch {batch}; h and c must be [N, H] = [{batch}, {HiddenSize}] " +
                $"(the input's batch, the cell's hidden size). Start a sequence with zeros of [{batch}, {HiddenSize}], or call Forward(x) for one step from the zero state.",
                name);
        }
    }
}

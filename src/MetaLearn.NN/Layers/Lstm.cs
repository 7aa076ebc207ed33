using MetaLearn.Tensors;

namespace MetaLearn.NN;

/// <summary>
/// A one-layer LSTM (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000) over a sequence
/// <c>[T, N, in]</c> (time first, PyTorch's <c>batch_first=False</c>), optionally bidirectional: PyTorch's
/// <c>nn.LSTM(in, H, num_layers=1, bidirectional=...)</c>. Each step is <see cref="LstmCell"/>'s, with PyTorch's gate
/// layout (blocks i, f, g, o of <c>4H</c> rows).
/// </summary>
/// <remarks>
/// <para>
/// Parameters are named as PyTorch's <c>state_dict</c> keys, so a checkpoint loads with <c>load_state_dict</c>:
/// <c>weight_ih_l0 [4H, in]</c>, <c>weight_hh_l0 [4H, H]</c>, <c>bias_ih_l0 [4H]</c>, <c>bias_hh_l0 [4H]</c>, and for the
/// backward direction the same with <c>_reverse</c> (<c>weight_ih_l0_reverse</c>, ...). All are initialised
/// U(-1/sqrt(H), 1/sqrt(H)) from the given <see cref="Rng"/>, as PyTorch does; the forget-gate bias is not specially
/// initialised (as in PyTorch).
/// </para>
/// <para>
/// The input part of the gates is one GEMM per direction over all <c>T*N</c> rows; each step adds one GEMM with the hidden
/// state. Everything is differentiable tensor ops, so gradients of any order flow through (second-order MAML,
/// Matching Networks' full-context embeddings, Vinyals et al. 2016, which add this layer's bidirectional output to
/// its input: that skip connection is the caller's).
/// </para>
/// </remarks>
public sealed class Lstm : Module
{
    /// <summary>Creates the layer with PyTorch's initialisation drawn from <paramref name="rng"/> (forward direction first).</summary>
    /// <param name="inputSize">Features of each step's input, <c>in</c>.</param>
    /// <param name="hiddenSize">Size of each direction's hidden and cell states, <c>H</c>.</param>
    /// <param name="rng">Random stream for the initial weights.</param>
    /// <param name="bidirectional">Also run the sequence backwards and concatenate both directions' outputs (PyTorch's <c>bidirectional</c>).</param>
    /// <param name="bias">Whether each direction has <c>bias_ih</c> and <c>bias_hh</c> (PyTorch's <c>bias</c>).</param>
    /// <param name="dtype">Element type of the parameters.</param>
    public Lstm(int inputSize, int hiddenSize, Rng rng, bool bidirectional = false, bool bias = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inputSize < 1 || hiddenSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), $"Lstm: sizes must be positive; got input {inputSize}, hidden {hiddenSize}.");
        }
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        Bidirectional = bidirectional;
        HasBias = bias;
        ParameterSet p = LstmGates.Initial(rng, inputSize, hiddenSize, bias, dtype, Suffix(0));
        if (bidirectional)
        {
            p = p.Concat(LstmGates.Initial(rng, inputSize, hiddenSize, bias, dtype, Suffix(1)));
        }
        OwnParameters = p.AsLeaves();
    }

    /// <summary>Features of each step's input, <c>in</c>.</summary>
    public int InputSize { get; }

    /// <summary>Size of each direction's hidden and cell states, <c>H</c>.</summary>
    public int HiddenSize { get; }

    /// <summary>Whether the layer also runs the sequence backwards (outputs <c>2H</c> features per step).</summary>
    public bool Bidirectional { get; }

    /// <summary>Whether each direction has <c>bias_ih</c> and <c>bias_hh</c>.</summary>
    public bool HasBias { get; }

    /// <summary>
    /// Always 1 (PyTorch's <c>num_layers=1</c>, hence the <c>_l0</c> in the parameter names). For a deeper LSTM, feed one
    /// layer's output to another; PyTorch would name the second layer's parameters <c>_l1</c>.
    /// </summary>
    public int NumLayers => 1;

    /// <summary>1, or 2 when <see cref="Bidirectional"/>: the first dimension of the states and the factor on the output features.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <inheritdoc/>
    public override string Label => $"Lstm({InputSize} -> {HiddenSize}{(Bidirectional ? ", bidirectional" : "")}{(HasBias ? "" : ", no bias")})";

    /// <summary>
    /// Runs the sequence <paramref name="x"/> <c>[T, N, in]</c> on <paramref name="parameters"/>, like PyTorch's
    /// <c>output, (h_n, c_n) = lstm(x, (h_0, c_0))</c>.
    /// </summary>
    /// <param name="x">The sequence, <c>[T, N, in]</c> with <c>T, N &gt;= 1</c>.</param>
    /// <param name="initial">
    /// The initial states <c>(h_0, c_0)</c>, each <c>[Directions, N, H]</c> (the forward direction first), or null for zeros.
    /// </param>
    /// <param name="parameters">The layer's parameters, or fast weights with the same names and shapes.</param>
    /// <param name="context">Accepted for uniformity with <see cref="Module.Forward(Tensor, ParameterSet, ForwardContext)"/>; a one-layer LSTM has no mode-dependent behaviour.</param>
    /// <returns>
    /// <c>Output [T, N, Directions * H]</c>: at each step the forward direction's hidden state, then (bidirectional) the
    /// backward direction's for the same step; <c>H</c> and <c>C</c>, each <c>[Directions, N, H]</c>: the final states, for the
    /// backward direction those after it has read step 0.
    /// </returns>
    /// <exception cref="ArgumentException">A shape does not fit; the message names the layer, the shapes and a fix.</exception>
    public (Tensor Output, Tensor H, Tensor C) Run(Tensor x, (Tensor H, Tensor C)? initial, ParameterSet parameters, ForwardContext context)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(context);
        CheckInput(x);
        int steps = x.Shape[0], batch = x.Shape[1];
        if (initial is { } s)
        {
            CheckState("h_0", s.H, batch);
            CheckState("c_0", s.C, batch);
        }

        var outputs = new Tensor[Directions];
        var finalH = new Tensor[Directions];
        var finalC = new Tensor[Directions];
        Tensor rows = x.Reshape(steps * batch, InputSize);
        for (int d = 0; d < Directions; d++)
        {
            string suffix = Suffix(d);
            Tensor weightIh = Require(parameters, "weight_ih" + suffix), weightHh = Require(parameters, "weight_hh" + suffix);
            LstmGates.CheckShape(Label, "weight_ih" + suffix, weightIh, 4 * HiddenSize, InputSize);
            LstmGates.CheckShape(Label, "weight_hh" + suffix, weightHh, 4 * HiddenSize, HiddenSize);
            Tensor? biasIh = null, biasHh = null;
            if (HasBias)
            {
                biasIh = Require(parameters, "bias_ih" + suffix);
                biasHh = Require(parameters, "bias_hh" + suffix);
                LstmGates.CheckShape(Label, "bias_ih" + suffix, biasIh, 4 * HiddenSize);
                LstmGates.CheckShape(Label, "bias_hh" + suffix, biasHh, 4 * HiddenSize);
            }

            // The input part of every step's gates in one GEMM, then cut into steps.
            Tensor[] inputGates = Unstack(Functional.Linear(rows, weightIh, biasIh).Reshape(steps, batch, 4 * HiddenSize));
            Tensor? h = initial?.H.Slice(0, d, 1).Squeeze(0), c = initial?.C.Slice(0, d, 1).Squeeze(0);
            var hs = new Tensor[steps];
            for (int k = 0; k < steps; k++)
            {
                int t = d == 0 ? k : steps - 1 - k; // the backward direction reads the sequence from its end
                (h, c) = LstmGates.Step(inputGates[t], h, c, weightHh, biasHh);
                hs[t] = h;
            }
            outputs[d] = Tensor.Stack(hs, 0);
            finalH[d] = h!;
            finalC[d] = c!;
        }
        return (Tensor.Concat(outputs, 2), Tensor.Stack(finalH, 0), Tensor.Stack(finalC, 0));
    }

    /// <summary>Runs the sequence on the layer's own parameters: <c>Run(x, initial, Parameters, ...)</c>.</summary>
    /// <param name="x">The sequence, <c>[T, N, in]</c>.</param>
    /// <param name="initial">The initial states, each <c>[Directions, N, H]</c>, or null for zeros.</param>
    public (Tensor Output, Tensor H, Tensor C) Run(Tensor x, (Tensor H, Tensor C)? initial = null)
        => Run(x, initial, Parameters, new ForwardContext { Training = Training });

    /// <summary>
    /// The outputs <c>[T, N, Directions * H]</c> of the sequence <paramref name="x"/> <c>[T, N, in]</c> from the zero state
    /// (<see cref="Run(Tensor, ValueTuple{Tensor, Tensor}?, ParameterSet, ForwardContext)"/> also takes initial states and
    /// returns the final ones).
    /// </summary>
    public override Tensor Forward(Tensor x, ParameterSet parameters, ForwardContext context) => Run(x, null, parameters, context).Output;

    private static string Suffix(int direction) => direction == 0 ? "_l0" : "_l0_reverse";

    /// <summary>
    /// The steps of <paramref name="sequence"/> <c>[T, ...]</c> as <c>T</c> tensors, cut by halving rather than one slice per
    /// step. A slice's gradient is the step's gradient padded with zeros to the whole <c>[T, ...]</c>, so <c>T</c> slices of
    /// the whole cost <c>O(T^2)</c> in the backward pass; halving costs <c>O(T log T)</c> (each level pads into its parent's
    /// half). Bidirectional, N = 5, in = 64, H = 32, float32 (best of 60 on 2 shared cores): T = 400 took 39-45 ms
    /// forward + backward instead of 83-115 ms, and 181-196 ms instead of 288-370 ms to second order; T = 20 was the same.
    /// </summary>
    private static Tensor[] Unstack(Tensor sequence)
    {
        var steps = new Tensor[sequence.Shape[0]];
        Halve(sequence, 0, steps);
        return steps;
    }

    private static void Halve(Tensor part, int start, Tensor[] steps)
    {
        int length = part.Shape[0];
        if (length == 1)
        {
            steps[start] = part.Squeeze(0);
            return;
        }
        int half = length / 2;
        Halve(part.Slice(0, 0, half), start, steps);
        Halve(part.Slice(0, half, length - half), start + half, steps);
    }

    private void CheckInput(Tensor x)
    {
        if (x.Rank == 3 && x.Shape[2] == InputSize && x.Shape[0] >= 1 && x.Shape[1] >= 1)
        {
            return;
        }
        string fix = x.Rank == 2 && x.Shape[1] == InputSize
            ? $"for one sequence use x.Unsqueeze(1) to make [{x.Shape[0]}, 1, {InputSize}]; for a batch of single steps use x.Unsqueeze(0)"
            : x.Rank == 3 && x.Shape[2] != InputSize ? $"build the layer with inputSize {x.Shape[2]}, or project the input to {InputSize} features"
            : x.Rank == 3 ? "give at least one step and one sequence"
            : $"reshape the input to [T, N, {InputSize}]";
        throw new ArgumentException(
            $"{Label}: input {LstmGates.Format(x.Shape)} does not fit; expected a sequence [T, N, {InputSize}] (time, batch, features; T, N >= 1); {fix}.", nameof(x));
    }

    private void CheckState(string name, Tensor state, int batch)
    {
        ArgumentNullException.ThrowIfNull(state, name);
        if (state.Rank != 3 || state.Shape[0] != Directions || state.Shape[1] != batch || state.Shape[2] != HiddenSize)
        {
            throw new ArgumentException(
                $"{Label}: initial state {name} {LstmGates.Format(state.Shape)} does not fit input with batch {batch}; it must be " +
                $"[Directions * NumLayers, N, H] = [{Directions}, {batch}, {HiddenSize}]" +
                (Bidirectional ? " (the forward direction first)" : "") +
                $". Pass null for zero states, or stack each direction's [{batch}, {HiddenSize}] state along a new first dimension.",
                "initial");
        }
    }
}

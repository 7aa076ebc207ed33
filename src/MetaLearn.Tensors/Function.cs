namespace MetaLearn.Tensors;

/// <summary>
/// A recorded primitive op: the node a result tensor hangs off. Its backward rule is written in tensor
/// ops, so when gradients are taken with <c>createGraph: true</c> the backward pass is itself recorded
/// and can be differentiated again.
/// </summary>
internal abstract class Function
{
    protected Function(params Tensor[] inputs)
    {
        Inputs = inputs;
    }

    /// <summary>The tensors this op read; the edges of the graph.</summary>
    public Tensor[] Inputs { get; }

    /// <summary>The op's short name, as in PyTorch (<c>mul</c>, <c>matmul</c>, ...).</summary>
    public abstract string Name { get; }

    /// <summary>True once a backward pass without <c>retainGraph</c> has run through this node.</summary>
    public bool Released { get; private set; }

    /// <summary>
    /// Gradients of the loss with respect to each input, given the gradient <paramref name="grad"/> with
    /// respect to <paramref name="output"/>. An entry may be null where <paramref name="needsGrad"/> is false.
    /// A gradient may have the broadcast (output) shape: the engine sums it down to the input's shape.
    /// </summary>
    public abstract Tensor?[] Backward(Tensor grad, Tensor output, bool[] needsGrad);

    /// <summary>
    /// Marks the node as used up and drops any extra saved state; a later backward pass that must run this
    /// node throws (as in PyTorch). The input edges stay, so later passes can still walk past it.
    /// </summary>
    public void Release()
    {
        Released = true;
        OnRelease();
    }

    /// <summary>Drops any state a subclass saved besides <see cref="Inputs"/>.</summary>
    protected virtual void OnRelease()
    {
    }

    public override string ToString() => Name;
}

/// <summary>Decides whether an op result is recorded, and checks results in anomaly mode.</summary>
internal static class Graph
{
    public static bool Needs(Tensor a) => Autograd.IsGradEnabled && a.RequiresGrad;

    public static bool Needs(Tensor a, Tensor b) => Autograd.IsGradEnabled && (a.RequiresGrad || b.RequiresGrad);

    public static bool Needs(Tensor a, Tensor b, Tensor c) => Autograd.IsGradEnabled && (a.RequiresGrad || b.RequiresGrad || c.RequiresGrad);

    public static bool Needs(IReadOnlyList<Tensor> inputs)
    {
        if (!Autograd.IsGradEnabled)
        {
            return false;
        }
        foreach (Tensor t in inputs)
        {
            if (t.RequiresGrad)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Attaches <paramref name="function"/> (when recording) and, in anomaly mode, checks the values.</summary>
    public static Tensor Record(Tensor output, string op, Function? function)
    {
        if (function is not null)
        {
            output.Creator = function;
        }
        if (Autograd.IsAnomalyDetectionEnabled)
        {
            Anomaly.Check(output, Autograd.RunningBackwardOf is { } rule ? $"backward of '{rule}' (its '{op}' step)" : $"forward of '{op}'");
        }
        return output;
    }
}

/// <summary>Thrown in anomaly mode when an op first produces NaN or infinity.</summary>
public sealed class AnomalyException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    public AnomalyException(string message) : base(message)
    {
    }
}

internal static class Anomaly
{
    public static void Check(Tensor t, string where)
    {
        int bad = -1;
        if (t.DType == DType.Float32)
        {
            Span<float> s = t.Span<float>();
            for (int i = 0; i < s.Length && bad < 0; i++)
            {
                if (!float.IsFinite(s[i]))
                {
                    bad = i;
                }
            }
        }
        else
        {
            Span<double> s = t.Span<double>();
            for (int i = 0; i < s.Length && bad < 0; i++)
            {
                if (!double.IsFinite(s[i]))
                {
                    bad = i;
                }
            }
        }
        if (bad >= 0)
        {
            throw new AnomalyException(
                $"Anomaly detected: {where} produced {(double.IsNaN(t[bad]) ? "NaN" : t[bad] > 0 ? "+Inf" : "-Inf")} at flat index {bad} of a {t.DType.Name()} tensor of shape {Shapes.Format(t.Shape)}. " +
                "Check that op's inputs (log/sqrt/div of zero or negative values, overflowing exp).");
        }
    }
}

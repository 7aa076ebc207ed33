namespace MetaLearn.Tensors.Tests.Autodiff;

/// <summary>
/// Float64 finite-difference checks of first and second derivatives. The function's output is contracted
/// with fixed random weights (so gradOutputs are not all ones), and the second-order check differentiates
/// the Hessian-vector product <c>h(x) = sum_i v_i . dL/dx_i</c> and compares it with central differences of
/// the analytic first derivative.
/// </summary>
/// <remarks>
/// Uses the engine's public API only: MetaLearn.NN.Tests compiles this file in to check its layers the same way.
/// </remarks>
internal static class GradCheck
{
    private const double Step = 1e-6;

    public static void First(Func<Tensor[], Tensor> f, Tensor[] inputs, double atol = 1e-6, double rtol = 1e-5)
    {
        Tensor weights = Weights(f, inputs);
        Func<Tensor[], Tensor> loss = xs => (f(xs) * weights).Sum();

        Tensor[] leaves = Leaves(inputs);
        Tensor[] analytic = Autograd.Grad(loss(leaves), leaves, allowUnused: true);
        for (int i = 0; i < inputs.Length; i++)
        {
            double[] numeric = Numeric(xs => loss(xs).Item(), inputs, i);
            Compare($"first derivative wrt input {i}", analytic[i].ToDoubleArray(), numeric, atol, rtol);
        }
    }

    public static void Second(Func<Tensor[], Tensor> f, Tensor[] inputs, double atol = 1e-5, double rtol = 1e-4)
    {
        Tensor weights = Weights(f, inputs);
        var rng = new Rng(7);
        Tensor[] directions = inputs.Select(x => Tensor.Normal(rng, x.Shape.ToArray(), dtype: DType.Float64)).ToArray();

        // h(x) = sum_i <v_i, dL/dx_i>, with the first derivative built as a graph.
        Func<Tensor[], Tensor> hessianVector = xs =>
        {
            Tensor l = (f(xs) * weights).Sum();
            Tensor[] g = Autograd.Grad(l, xs, createGraph: true, allowUnused: true);
            Tensor h = Tensor.Scalar(0, DType.Float64);
            for (int i = 0; i < xs.Length; i++)
            {
                h += (g[i] * directions[i]).Sum();
            }
            return h;
        };

        Tensor[] leaves = Leaves(inputs);
        Tensor hv = hessianVector(leaves);
        Tensor[] analytic = hv.RequiresGrad
            ? Autograd.Grad(hv, leaves, allowUnused: true)
            : leaves.Select(Tensor.ZerosLike).ToArray(); // the first derivative does not depend on x at all
        for (int i = 0; i < inputs.Length; i++)
        {
            double[] numeric = Numeric(xs => hessianVector(xs).Item(), inputs, i);
            Compare($"second derivative (Hessian-vector product) wrt input {i}", analytic[i].ToDoubleArray(), numeric, atol, rtol);
        }
    }

    /// <summary>Central differences of a scalar function with respect to every element of input <paramref name="which"/>.</summary>
    private static double[] Numeric(Func<Tensor[], double> scalar, Tensor[] inputs, int which)
    {
        double[] x = inputs[which].ToDoubleArray();
        var result = new double[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            double saved = x[j];
            x[j] = saved + Step;
            double plus = scalar(Replace(inputs, which, x));
            x[j] = saved - Step;
            double minus = scalar(Replace(inputs, which, x));
            x[j] = saved;
            result[j] = (plus - minus) / (2 * Step);
        }
        return result;
    }

    private static Tensor[] Replace(Tensor[] inputs, int which, double[] values)
    {
        Tensor[] leaves = Leaves(inputs);
        leaves[which] = Tensor.FromArray(values, inputs[which].Shape.ToArray()).SetRequiresGrad();
        return leaves;
    }

    private static Tensor[] Leaves(Tensor[] inputs) => inputs.Select(x => x.Detach().SetRequiresGrad()).ToArray();

    private static Tensor Weights(Func<Tensor[], Tensor> f, Tensor[] inputs)
    {
        Tensor y;
        using (Autograd.NoGrad())
        {
            y = f(Leaves(inputs));
        }
        Assert.Equal(DType.Float64, y.DType);
        return Tensor.Uniform(new Rng(11), y.Shape.ToArray(), 0.5, 1.5, DType.Float64);
    }

    private static void Compare(string what, double[] analytic, double[] numeric, double atol, double rtol)
    {
        Assert.Equal(numeric.Length, analytic.Length);
        for (int j = 0; j < numeric.Length; j++)
        {
            double diff = Math.Abs(analytic[j] - numeric[j]);
            if (!(diff <= atol + rtol * Math.Abs(numeric[j])))
            {
                Assert.Fail($"{what}, element {j}: analytic {analytic[j]:G10} vs numeric {numeric[j]:G10} (|diff| {diff:G3}).");
            }
        }
    }
}

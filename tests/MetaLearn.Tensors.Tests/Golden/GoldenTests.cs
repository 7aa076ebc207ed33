using System.Globalization;
using System.Text;

namespace MetaLearn.Tensors.Tests.Golden;

/// <summary>
/// Forward values and first-order gradients agree with PyTorch (torch 1.13, float64) on every case of golden.json,
/// written by generate_golden.py. Each case is one theory row; cases the generator marks float32 get a second row
/// that runs MetaLearn in float32 and compares with float32 tolerances against the same float64 reference.
/// </summary>
public class GoldenTests
{
    /// <summary>
    /// Element i passes when |actual - expected| &lt;= relative * max(|expected_i|, scaleFloor * scale) + absolute, where
    /// scale is the largest |expected| in the tensor: an element far below its tensor's scale is the result of a
    /// cancellation, whose rounding error follows the scale of the terms, not the element. Every case works with O(1)
    /// quantities, so <c>absolute</c> is a rounding-noise floor at that magnitude. A gradient that is 0 in exact
    /// arithmetic passes when its largest |value| is at most <c>zero</c> times the largest reference gradient of the case.
    /// </summary>
    private sealed record Tolerance(double Relative, double ScaleFloor, double Absolute, double Zero);

    private static readonly Tolerance Float64 = new(Relative: 1e-10, ScaleFloor: 1e-2, Absolute: 1e-15, Zero: 1e-12);

    // Float32 rows start from inputs rounded to float32 and are compared with the float64 reference, so the
    // tolerance covers both float32 arithmetic and that input perturbation carried through the computation.
    private static readonly Tolerance Float32 = new(Relative: 1e-4, ScaleFloor: 1e-1, Absolute: 1e-7, Zero: 1e-5);

    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (GoldenCase c in GoldenFile.Cases.Values)
        {
            rows.Add(c.Name, "float64");
            if (c.Float32)
            {
                rows.Add(c.Name, "float32");
            }
        }
        return rows;
    }

    [Fact]
    public void GoldenFileHasTheExpectedCoverage()
    {
        IEnumerable<string> ops = GoldenFile.Cases.Values.Select(c => c.Op).Distinct();
        string[] required =
        [
            "neg", "exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh", "softplus", "pow_scalar", "pow",
            "add", "sub", "mul", "div", "maximum", "minimum", "where", "sum", "mean", "max", "min", "logsumexp",
            "softmax", "log_softmax", "matmul", "linear", "conv2d", "max_pool2d", "avg_pool2d", "batch_norm",
            "cross_entropy", "mse_loss", "bce_with_logits", "gaussian_kl", "maml_convnet",
        ];
        Assert.Empty(required.Except(ops));
        Assert.Contains(GoldenFile.Cases.Values, c => c.Float32);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void MatchesPyTorch(string name, string dtypeName)
    {
        GoldenCase c = GoldenFile.Cases[name];
        DType dtype = dtypeName == "float32" ? DType.Float32 : DType.Float64;
        Tolerance tolerance = dtype == DType.Float32 ? Float32 : Float64;

        var inputs = c.Inputs.ToDictionary(p => p.Key, p => p.Value.ToTensor(dtype));
        foreach ((string input, _) in c.Grads)
        {
            inputs[input].SetRequiresGrad();
        }

        Dictionary<string, Tensor> outputs = GoldenOps.Run(c, inputs, dtype);
        var failures = new StringBuilder();
        Assert.Equal(c.Outputs.Select(p => p.Key).Order(), outputs.Keys.Order());
        foreach ((string output, GoldenArray expected) in c.Outputs)
        {
            Compare($"output '{output}'", outputs[output], expected, tolerance, dtype, failures);
        }

        if (c.Grads.Count > 0)
        {
            Tensor result = outputs["out"];
            Tensor loss = c.Cotangent is null ? result : (result * c.Cotangent.ToTensor(dtype)).Sum();
            Tensor[] grads = Autograd.Grad(loss, c.Grads.Select(p => inputs[p.Key]).ToArray());
            double gradScale = c.Grads.Max(p => p.Value.Values.Max(Math.Abs));
            for (int i = 0; i < grads.Length; i++)
            {
                (string input, GoldenArray expected) = c.Grads[i];
                if (c.ExactZeroGrads.Contains(input))
                {
                    CompareToZero($"gradient wrt '{input}'", grads[i], expected, tolerance.Zero * gradScale, failures);
                }
                else
                {
                    Compare($"gradient wrt '{input}'", grads[i], expected, tolerance, dtype, failures);
                }
            }
        }
        Assert.True(failures.Length == 0, $"'{name}' ({dtypeName}) disagrees with PyTorch:\n{failures}");
    }

    private static void Compare(string what, Tensor actual, GoldenArray expected, Tolerance tolerance, DType dtype, StringBuilder failures)
    {
        if (actual.DType != dtype)
        {
            failures.AppendLine(CultureInfo.InvariantCulture, $"  {what}: dtype {actual.DType}, expected {dtype}");
            return;
        }
        if (!actual.Shape.SequenceEqual(expected.Shape))
        {
            failures.AppendLine(CultureInfo.InvariantCulture,
                $"  {what}: shape [{string.Join(", ", actual.Shape.ToArray())}], PyTorch has [{string.Join(", ", expected.Shape)}]");
            return;
        }
        double[] values = actual.ToDoubleArray();
        double scale = expected.Values.Length == 0 ? 0 : expected.Values.Max(Math.Abs);
        int bad = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double reference = expected.Values[i];
            double allowed = tolerance.Relative * Math.Max(Math.Abs(reference), tolerance.ScaleFloor * scale) + tolerance.Absolute;
            if (!(Math.Abs(values[i] - reference) <= allowed))
            {
                if (bad++ < 5)
                {
                    failures.AppendLine(CultureInfo.InvariantCulture,
                        $"  {what}[{i}]: MetaLearn {values[i]:R}, PyTorch {reference:R}, difference {Math.Abs(values[i] - reference):E2} > allowed {allowed:E2}");
                }
            }
        }
        if (bad > 5)
        {
            failures.AppendLine(CultureInfo.InvariantCulture, $"  {what}: {bad} of {values.Length} elements differ in total");
        }
    }

    private static void CompareToZero(string what, Tensor actual, GoldenArray expected, double allowed, StringBuilder failures)
    {
        if (!actual.Shape.SequenceEqual(expected.Shape))
        {
            failures.AppendLine(CultureInfo.InvariantCulture,
                $"  {what}: shape [{string.Join(", ", actual.Shape.ToArray())}], PyTorch has [{string.Join(", ", expected.Shape)}]");
            return;
        }
        double largest = actual.ToDoubleArray().Max(Math.Abs);
        if (!(largest <= allowed))
        {
            failures.AppendLine(CultureInfo.InvariantCulture, $"  {what}: should be 0 up to rounding but reaches {largest:E2} > allowed {allowed:E2}");
        }
    }
}

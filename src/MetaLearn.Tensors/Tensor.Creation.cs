namespace MetaLearn.Tensors;

public sealed partial class Tensor
{
    /// <summary>A tensor of zeros (float32).</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(shape, DType.Float32);

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(int[] shape, DType dtype)
    {
        CheckShape("Zeros", shape);
        return Allocate((int[])shape.Clone(), dtype, zeroed: true);
    }

    /// <summary>A tensor of ones (float32).</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1.0, DType.Float32);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(int[] shape, DType dtype) => Full(shape, 1.0, dtype);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32)
    {
        Tensor t = Zeros(shape, dtype);
        if (dtype == DType.Float32)
        {
            t.Span<float>().Fill((float)value);
        }
        else
        {
            t.Span<double>().Fill(value);
        }
        return t;
    }

    /// <summary>Zeros with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like) => Zeros(like._shape, like.DType);

    /// <summary>Ones with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like) => Full(like._shape, 1.0, like.DType);

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32)
        => new(dtype == DType.Float32 ? new[] { (float)value } : new[] { value }, [], dtype);

    /// <summary>The values start, start + step, ... below end, as a 1-D tensor (like <c>torch.arange</c>).</summary>
    public static Tensor Arange(double start, double end, double step = 1.0, DType dtype = DType.Float32)
    {
        if (step == 0 || double.IsNaN(step) || (end - start) / step < 0)
        {
            throw new ArgumentException($"Arange: step {step} cannot go from {start} to {end}.");
        }
        int count = (int)Math.Ceiling((end - start) / step);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = start + i * step;
        }
        return FromArray(values, [count]).To(dtype);
    }

    /// <summary>A float32 tensor over a copy of <paramref name="values"/>, shaped <paramref name="shape"/> (1-D when omitted).</summary>
    public static Tensor FromArray(float[] values, params int[] shape) => FromArrayCore(values.AsSpan().ToArray(), values.Length, shape, DType.Float32);

    /// <summary>A float64 tensor over a copy of <paramref name="values"/>, shaped <paramref name="shape"/> (1-D when omitted).</summary>
    public static Tensor FromArray(double[] values, params int[] shape) => FromArrayCore(values.AsSpan().ToArray(), values.Length, shape, DType.Float64);

    /// <summary>Values drawn uniformly from [low, high).</summary>
    public static Tensor Uniform(Rng rng, int[] shape, double low = 0.0, double high = 1.0, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int count = CheckShape("Uniform", shape);
        // Drawn in double and stored as the dtype (the values a double draw converted with To would have), straight into
        // the tensor's array: no double array and conversion pass for float32.
        if (dtype == DType.Float32)
        {
            var floats = new float[count];
            for (int i = 0; i < count; i++)
            {
                floats[i] = (float)rng.NextDouble(low, high);
            }
            return new Tensor(floats, DrawnShape(shape, count), dtype);
        }
        var doubles = new double[count];
        for (int i = 0; i < count; i++)
        {
            doubles[i] = rng.NextDouble(low, high);
        }
        return new Tensor(doubles, DrawnShape(shape, count), dtype);
    }

    /// <summary>Values drawn from a normal distribution.</summary>
    public static Tensor Normal(Rng rng, int[] shape, double mean = 0.0, double std = 1.0, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int count = CheckShape("Normal", shape);
        if (dtype == DType.Float32)
        {
            var floats = new float[count];
            for (int i = 0; i < count; i++)
            {
                floats[i] = (float)(mean + std * rng.NextNormal());
            }
            return new Tensor(floats, DrawnShape(shape, count), dtype);
        }
        var doubles = new double[count];
        for (int i = 0; i < count; i++)
        {
            doubles[i] = mean + std * rng.NextNormal();
        }
        return new Tensor(doubles, DrawnShape(shape, count), dtype);
    }

    /// <summary>The shape of a drawn tensor, as <see cref="FromArray(double[], int[])"/> would give it.</summary>
    private static int[] DrawnShape(int[] shape, int count) => shape.Length == 0 && count != 1 ? [count] : (int[])shape.Clone();

    /// <summary>
    /// An uninitialised tensor for an op that writes every element; takes ownership of <paramref name="shape"/>.
    /// Skipping the zeroing matters: fresh-memory zeroing was a fifth of a small-model meta-step.
    /// </summary>
    internal static Tensor Empty(int[] shape, DType dtype) => Allocate(shape, dtype, zeroed: false);

    /// <summary>A zeroed tensor for an op that writes only some elements; takes ownership of <paramref name="shape"/>.</summary>
    internal static Tensor ZeroedEmpty(int[] shape, DType dtype) => Allocate(shape, dtype, zeroed: true);

    private static Tensor FromArrayCore(Array copy, int length, int[] shape, DType dtype)
    {
        int[] dims = shape.Length == 0 && length != 1 ? [length] : (int[])shape.Clone();
        int size = CheckShape("FromArray", dims);
        if (size != length)
        {
            throw new ArgumentException($"FromArray: {length} values cannot fill shape {Shapes.Format(dims)} ({size} elements).");
        }
        return new Tensor(copy, dims, dtype);
    }

    private static int CheckShape(string op, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"{op}: shape {Shapes.Format(shape)} has a negative dimension.");
            }
        }
        return Shapes.Size(shape);
    }
}

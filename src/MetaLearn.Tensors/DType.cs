namespace MetaLearn.Tensors;

/// <summary>Element type of a tensor.</summary>
public enum DType
{
    /// <summary>32-bit IEEE float, the default: what models train in.</summary>
    Float32,

    /// <summary>64-bit IEEE float: what gradient checks run in.</summary>
    Float64,
}

/// <summary>Helpers for <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>The PyTorch-style name: <c>float32</c> or <c>float64</c>.</summary>
    public static string Name(this DType dtype) => dtype == DType.Float32 ? "float32" : "float64";
}

namespace MetaLearn.Kernels.Benchmarks;

/// <summary>One product <c>C[m, n] = op(A)[m, k] op(B)[k, n]</c> to time, named after where it occurs.</summary>
public sealed record GemmShape(string Name, string Product, bool TransposeA, bool TransposeB, int M, int N, int K)
{
    /// <summary>Square products and the shapes MetaLearn's workloads actually run (MLP layers, 3x3 64-channel
    /// convolutions on 14x14 maps for 5 and 32 images, and their backward products).</summary>
    public static readonly GemmShape[] All =
    [
        new("n64", "[64x64]x[64x64]", false, false, 64, 64, 64),
        new("n256", "[256x256]x[256x256]", false, false, 256, 256, 256),
        new("n1024", "[1024x1024]x[1024x1024]", false, false, 1024, 1024, 1024),
        new("mlp-in", "[25x1]x[40x1]^T", false, true, 25, 40, 1),
        new("mlp-hid", "[10x40]x[40x40]^T", false, true, 10, 40, 40),
        new("mlp-dW", "[10x40]^Tx[10x40]", true, false, 40, 40, 10),
        new("mlp-out", "[10x40]x[1x40]^T", false, true, 10, 1, 40),
        new("conv-980", "[64x576]x[576x980]", false, false, 64, 980, 576),
        new("conv-6272", "[64x576]x[576x6272]", false, false, 64, 6272, 576),
        new("conv-dW", "[64x980]x[576x980]^T", false, true, 64, 576, 980),
        new("conv-dX", "[64x576]^Tx[64x980]", true, false, 576, 980, 64),
        new("conv1", "[64x9]x[9x3920]", false, false, 64, 3920, 9),
        new("conv-196", "[64x576]x[576x196]", false, false, 64, 196, 576),
        new("conv-224", "[64x576]x[576x224]", false, false, 64, 224, 576),
        new("conv-dX-224", "[64x576]^Tx[64x224]", true, false, 576, 224, 64),
        new("conv-dWt-224", "[576x224]x[64x224]^T", false, true, 576, 64, 224),
        new("wino-392", "[64x64]x[64x392]", false, false, 64, 392, 64),
        new("wino-dW-392", "[64x392]x[64x392]^T", false, true, 64, 64, 392),
    ];

    /// <summary>Multiply-adds: one FMA (two flops) each.</summary>
    public long MultiplyAdds => (long)M * N * K;

    /// <summary>The short name (BenchmarkDotNet truncates long parameter values); <see cref="Product"/> spells out the shapes.</summary>
    public override string ToString() => Name;
}

using System.Runtime.CompilerServices;
using MetaLearn.Tensors;

namespace MetaLearn.Cli.Tests;

internal static class PoolPoisoning
{
    /// <summary>The end-to-end runs reuse task memory; returned memory is filled with NaN so a stale read would fail them.</summary>
    [ModuleInitializer]
    internal static void Enable() => StoragePool.PoisonReturned = true;
}

namespace MetaLearn.Data;

/// <summary>The shape of an N-way K-shot episode: classes, support samples per class, query samples per class.</summary>
/// <param name="Ways">Classes per task (N).</param>
/// <param name="Shots">Support samples per class (K).</param>
/// <param name="Queries">Query samples per class.</param>
public sealed record EpisodeShape(int Ways, int Shots, int Queries)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Ways}-way {Shots}-shot, {Queries} queries per class";
}

using System.Text.Json.Serialization;

namespace MetaLearn.Algorithms;

/// <summary>Settings every learner shares.</summary>
public abstract record LearnerOptions
{
    /// <summary>
    /// How many tasks of a meta-batch run at once. Results do not depend on it (gradients are summed in task order),
    /// so it is not recorded in checkpoints. Defaults to the processor count.
    /// </summary>
    [JsonIgnore]
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws, naming the setting, when a value is out of range; learners call it in their constructor.</summary>
    public virtual void Validate()
    {
        if (MaxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), $"{GetType().Name}: MaxDegreeOfParallelism must be >= 1; got {MaxDegreeOfParallelism}.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is at least 1.</summary>
    protected void RequireSteps(string name, int value)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, $"{GetType().Name}: {name} must be >= 1; got {value}. Gradient-based learners need at least one inner step.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and positive.</summary>
    protected void RequirePositive(string name, double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, $"{GetType().Name}: {name} must be finite and > 0; got {value}.");
        }
    }
}

namespace MetaLearn.Algorithms;

/// <summary>Settings every learner shares: range checks with messages that name the setting.</summary>
public abstract record LearnerOptions
{
    /// <summary>Throws, naming the setting, when a value is out of range; learners call it in their constructor.</summary>
    public virtual void Validate()
    {
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

namespace MetaLearn.Optim;

/// <summary>Hyperparameter checks shared by the transforms; each message names the optimizer, the argument and the value.</summary>
internal static class Hyper
{
    public static void RequireBeta(string optimizer, string name, double value)
    {
        if (!(value is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(name, $"{optimizer}: {name} must be in [0, 1); got {value}.");
        }
    }

    public static void RequireNonNegative(string optimizer, string name, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, $"{optimizer}: {name} must be finite and >= 0; got {value}.");
        }
    }
}

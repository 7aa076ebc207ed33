namespace MetaLearn.Cli;

/// <summary>Bad input from the user (a flag, a config key or value, a path): the command prints the message and exits with 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

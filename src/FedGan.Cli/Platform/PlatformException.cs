namespace FedGan.Cli.Platform;

/// <summary>The platform refused or could not be reached: one line for the user, exit code 1.</summary>
public sealed class PlatformException(string message) : Exception(message);

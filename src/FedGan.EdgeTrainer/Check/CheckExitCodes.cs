namespace FedGan.EdgeTrainer.Check;

/// <summary>What <c>fedgan-edge check</c> exits with (documented in docs/hospital.md); the first failing stage decides.</summary>
public static class CheckExitCodes
{
    public const int Ok = 0;

    /// <summary>A bug or an unexpected error in the check itself.</summary>
    public const int Unexpected = 1;

    /// <summary>The config file or command line is unusable: missing, malformed, or a key with a bad value.</summary>
    public const int Config = 2;

    /// <summary>The configured images cannot be read (no readable image, missing folder, unreadable archive).</summary>
    public const int Data = 3;

    /// <summary>No token from the gateway: unreachable, proxy refused, or the site's credential was refused.</summary>
    public const int Platform = 4;
}

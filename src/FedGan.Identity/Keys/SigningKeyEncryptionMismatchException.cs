namespace FedGan.Identity.Keys;

/// <summary>Another replica, given a different Identity:SigningKeyEncryptionKey, made the active signing key.</summary>
public sealed class SigningKeyEncryptionMismatchException(string message) : InvalidOperationException(message);

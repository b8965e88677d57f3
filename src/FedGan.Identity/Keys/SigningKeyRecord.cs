namespace FedGan.Identity.Keys;

/// <summary>
/// A P-256 signing key as stored in Redis: the public point in clear, the private scalar only as
/// AES-256-GCM ciphertext (<see cref="SigningKeyEncryption"/>) made with the encryption key named by
/// <see cref="EncryptionKeyId"/> (null: a record written before Identity:SigningKeyEncryptionKey
/// existed, with a per-pod key that is gone). <see cref="RetireAt"/> is set when a newer key takes over.
/// </summary>
public sealed record SigningKeyRecord(
    string KeyId, string X, string Y, string EncryptedPrivateKey, DateTimeOffset CreatedAt, DateTimeOffset? RetireAt, string? EncryptionKeyId);

/// <summary>A public key as published in the JWKS (RFC 7517/7518).</summary>
public sealed record PublicJsonWebKey(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);

public sealed record JsonWebKeySetDocument(IReadOnlyList<PublicJsonWebKey> Keys);

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace FedGan.Identity.Keys;

/// <summary>
/// Encrypts signing keys' private scalars at rest with AES-256-GCM under a key derived (HKDF-SHA256)
/// from <c>Identity:SigningKeyEncryptionKey</c>. Every replica derives the same key from the same
/// secret, and it survives restarts; it is never written to Redis, so Redis alone yields no private key.
/// </summary>
public sealed class SigningKeyEncryption
{
    public const string ConfigurationKey = $"{IdentityOptions.SectionName}:{nameof(IdentityOptions.SigningKeyEncryptionKey)}";

    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    /// <summary>HKDF's "info": a different use of the same secret would derive a different key.</summary>
    private static readonly byte[] Purpose = "FedGan.Identity.SigningKeys.v2"u8.ToArray();

    private readonly byte[] _key;

    public SigningKeyEncryption(IOptions<IdentityOptions> options)
    {
        var secret = options.Value.SigningKeyEncryptionKey;
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), outputLength: 32, salt: [], info: Purpose);
        KeyId = KeyIdOf(_key);
    }

    /// <summary>
    /// Names the encryption key without revealing it (the first 8 bytes of the derived key's SHA-256),
    /// so a record encrypted under another key is recognised as such rather than as corrupt.
    /// </summary>
    public string KeyId { get; }

    public static string KeyIdOf(ReadOnlySpan<byte> derivedKey) => Base64Url.EncodeToString(SHA256.HashData(derivedKey)[..8]);

    /// <summary>nonce ‖ ciphertext ‖ tag, base64; the signing key's id is authenticated data, so a ciphertext moved to another record fails.</summary>
    public string Encrypt(ReadOnlySpan<byte> privateScalar, string signingKeyId)
    {
        var sealedBytes = new byte[NonceBytes + privateScalar.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, privateScalar, sealedBytes.AsSpan(NonceBytes, privateScalar.Length),
            sealedBytes.AsSpan(NonceBytes + privateScalar.Length), Encoding.UTF8.GetBytes(signingKeyId));
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The private scalar, or null when the ciphertext is malformed or was not made with this key for this signing key.</summary>
    public byte[]? TryDecrypt(string encrypted, string signingKeyId)
    {
        var sealedBytes = new byte[encrypted.Length];
        if (!Convert.TryFromBase64String(encrypted, sealedBytes, out var length) || length <= NonceBytes + TagBytes)
        {
            return null;
        }

        var plaintext = new byte[length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, plaintext.Length),
                sealedBytes.AsSpan(NonceBytes + plaintext.Length, TagBytes), plaintext, Encoding.UTF8.GetBytes(signingKeyId));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}

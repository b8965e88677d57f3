using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace FedGan.Identity.Clients;

/// <summary>
/// Generates client secrets (256 random bits) and keeps only slow salted hashes of them
/// (PBKDF2-SHA256), compared in constant time.
/// </summary>
public sealed class SecretHasher(IOptions<IdentityOptions> options)
{
    public const string Algorithm = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // A fixed salt for the decoy check, so an unknown client costs as much time as a known one.
    private static readonly byte[] DecoySalt = RandomNumberGenerator.GetBytes(SaltBytes);

    /// <summary>A new secret: 32 random bytes, base64url, with a prefix that secret scanners can spot.</summary>
    public static string NewSecret() => "fgs_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string NewCredentialId() => "cred_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    public CredentialRecord Hash(string secret, DateTimeOffset now, bool bootstrap)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var iterations = options.Value.SecretHashIterations;
        var hash = Derive(secret, salt, iterations);
        return new CredentialRecord(NewCredentialId(), Algorithm, iterations, Convert.ToBase64String(salt), Convert.ToBase64String(hash), now, bootstrap);
    }

    public static bool Verify(string secret, CredentialRecord credential)
    {
        if (credential.Algorithm != Algorithm)
        {
            return false;
        }

        var expected = Convert.FromBase64String(credential.Hash);
        var actual = Derive(secret, Convert.FromBase64String(credential.Salt), credential.Iterations);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Spends the time of one verification and fails: used when the client id is unknown.</summary>
    public void VerifyDecoy(string secret) => Derive(secret, DecoySalt, options.Value.SecretHashIterations);

    private static byte[] Derive(string secret, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}

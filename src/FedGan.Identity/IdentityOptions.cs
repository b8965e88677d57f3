using System.ComponentModel.DataAnnotations;
using FedGan.Contracts.Identity;

namespace FedGan.Identity;

/// <summary>The <c>Identity</c> section: token lifetime, key rotation, secret hashing and bootstrap clients.</summary>
public sealed class IdentityOptions
{
    public const string SectionName = "Identity";

    [Required]
    public string Issuer { get; set; } = TokenConventions.Issuer;

    [Required]
    public string Audience { get; set; } = TokenConventions.Audience;

    /// <summary>How long an access token is valid. Short, so a leaked token is worth little.</summary>
    [TimeSpanRange("00:00:05", "01:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest clock skew a service tolerates: old keys and revocation markers outlive tokens by this much.</summary>
    [TimeSpanRange("00:00:00", "00:05:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A signing key older than this is replaced by a new one (the old one stays published until its tokens expired).</summary>
    [TimeSpanRange("00:01:00", "365.00:00:00")]
    public TimeSpan KeyRotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>PBKDF2-SHA256 iterations for new secret hashes (stored with each hash, so it can be raised later).</summary>
    [Range(100_000, 10_000_000)]
    public int SecretHashIterations { get; set; } = 100_000;

    /// <summary>
    /// The secret the signing keys' private parts are encrypted with in Redis (HKDF-SHA256 into an
    /// AES-256-GCM key). Every replica gets the same one, from a secret store; it is never in Redis.
    /// At least 43 characters: 43 base62 characters carry about 256 bits.
    /// </summary>
    [Required, MinLength(43)]
    public string SigningKeyEncryptionKey { get; set; } = string.Empty;

    /// <summary>Clients created (or whose bootstrap secret is replaced) at start, by client id. Secrets come from secret configuration.</summary>
    public Dictionary<string, BootstrapClient> BootstrapClients { get; set; } = [];

    /// <summary>Revocation markers and retired keys must outlive every token that could still be accepted.</summary>
    public TimeSpan LongestTokenValidity => TokenLifetime + MaxClockSkew;
}

public sealed class BootstrapClient
{
    public string Role { get; set; } = string.Empty;

    public string Secret { get; set; } = string.Empty;
}

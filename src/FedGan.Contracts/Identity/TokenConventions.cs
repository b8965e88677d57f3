namespace FedGan.Contracts.Identity;

/// <summary>What Identity puts in every access token and what every service checks.</summary>
public static class TokenConventions
{
    /// <summary>
    /// The <c>iss</c> of every token. A fixed name rather than a URL: tokens are obtained through the
    /// gateway and directly, under different addresses, and must validate the same everywhere.
    /// </summary>
    public const string Issuer = "urn:fedgan:identity";

    /// <summary>The <c>aud</c> of every token: the FedGan platform's APIs.</summary>
    public const string Audience = "fedgan";

    /// <summary>The JWT <c>typ</c> header of access tokens (RFC 9068).</summary>
    public const string TokenType = "at+jwt";

    /// <summary>The one signing algorithm accepted (ECDSA P-256 with SHA-256): no algorithm negotiation.</summary>
    public const string SigningAlgorithm = "ES256";

    public const string JwksPath = "/.well-known/jwks.json";
    public const string DiscoveryPath = "/.well-known/openid-configuration";
    public const string TokenPath = "/connect/token";

    /// <summary>
    /// The Redis key that exists while a revoked credential's tokens may still be unexpired. Services
    /// check it on every request (one EXISTS), so revocation takes effect at once.
    /// </summary>
    public static string RevokedCredentialKey(string credentialId) => $"identity:revoked:{credentialId}";
}

namespace FedGan.Contracts.Identity;

/// <summary>
/// Enroll a machine client or operator. A site's client id is its site id (the <c>site_id</c> claim
/// of its tokens); other roles get no site.
/// </summary>
public sealed record EnrollClientRequest(string? ClientId, string? Role, string? DisplayName);

/// <summary>A secret as issued: the only time the platform ever shows it. Only its hash is kept.</summary>
public sealed record IssuedSecret(string ClientId, string Role, string? SiteId, string CredentialId, string ClientSecret, DateTimeOffset CreatedAt);

public sealed record CredentialSummary(string CredentialId, DateTimeOffset CreatedAt, bool Bootstrap);

public sealed record ClientSummary(string ClientId, string Role, string? SiteId, string? DisplayName, DateTimeOffset CreatedAt,
    IReadOnlyList<CredentialSummary> Credentials);

/// <summary>What a revocation removed; tokens obtained with these credentials stop working at once.</summary>
public sealed record RevocationResult(string ClientId, IReadOnlyList<string> RevokedCredentials, bool ClientRemoved);

/// <summary>The OAuth 2.0 token response (RFC 6749 section 5.1).</summary>
public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

/// <summary>A signing key rotation: the new key signs from now on; the old one stays published until its last token expired.</summary>
public sealed record KeyRotationResult(string ActiveKeyId, string? PreviousKeyId, DateTimeOffset? PreviousKeyRetiresAt);

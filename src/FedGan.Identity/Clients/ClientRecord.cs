namespace FedGan.Identity.Clients;

/// <summary>A client as stored: its role and its (at most two) active credentials, as hashes only.</summary>
public sealed record ClientRecord(
    string ClientId, string Role, string? SiteId, string? DisplayName, DateTimeOffset CreatedAt, IReadOnlyList<CredentialRecord> Credentials)
{
    /// <summary>Two lets a client rotate without downtime: add the new secret, deploy it, revoke the old one.</summary>
    public const int MaxCredentials = 2;
}

/// <summary>One secret's salted PBKDF2-SHA256 hash with the parameters needed to check it.</summary>
public sealed record CredentialRecord(string CredentialId, string Algorithm, int Iterations, string Salt, string Hash, DateTimeOffset CreatedAt, bool Bootstrap);

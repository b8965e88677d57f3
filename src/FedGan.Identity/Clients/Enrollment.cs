using FedGan.Contracts;
using FedGan.Contracts.Identity;

namespace FedGan.Identity.Clients;

/// <summary>Why an administration request was refused, in the API's terms.</summary>
public sealed record EnrollmentError(int Status, string Code, string Detail);

public sealed record EnrollmentOutcome<T>(T? Value, EnrollmentError? Error)
{
    public static implicit operator EnrollmentOutcome<T>(T value) => new(value, null);

    public static implicit operator EnrollmentOutcome<T>(EnrollmentError error) => new(default, error);
}

/// <summary>
/// Enrolling clients, issuing and revoking their secrets. A secret is returned once, from here, and
/// only its hash is stored. Slow hashing happens before the store's transaction, never inside its retries.
/// </summary>
public sealed class Enrollment(ClientStore store, SecretHasher hasher, TimeProvider time)
{
    public static readonly IReadOnlyList<string> KnownRoles = [Roles.Coordinator, Roles.Site, Roles.Auditor, Roles.Service];

    public async Task<EnrollmentOutcome<IssuedSecret>> EnrollAsync(string clientId, string role, string? displayName)
    {
        var secret = SecretHasher.NewSecret();
        var now = time.GetUtcNow();
        var credential = hasher.Hash(secret, now, bootstrap: false);
        var record = new ClientRecord(clientId, role, SiteOf(clientId, role), displayName, now, [credential]);

        var (_, applied) = await store.ChangeAsync(clientId, current => current is null ? new ClientStore.Change(record, []) : null);
        return applied is null
            ? new EnrollmentError(StatusCodes.Status409Conflict, IdentityErrorCodes.ClientExists, $"Client '{clientId}' is already enrolled.")
            : Issued(record, credential, secret);
    }

    public async Task<EnrollmentOutcome<IssuedSecret>> AddSecretAsync(string clientId)
    {
        var secret = SecretHasher.NewSecret();
        var credential = hasher.Hash(secret, time.GetUtcNow(), bootstrap: false);

        var (before, applied) = await store.ChangeAsync(clientId, current =>
            current is null || current.Credentials.Count >= ClientRecord.MaxCredentials
                ? null
                : new ClientStore.Change(current with { Credentials = [.. current.Credentials, credential] }, []));
        return (before, applied) switch
        {
            (null, _) => NotFound(clientId),
            (_, null) => new EnrollmentError(StatusCodes.Status409Conflict, IdentityErrorCodes.TooManySecrets,
                $"Client '{clientId}' already has {ClientRecord.MaxCredentials} active secrets: revoke the old one first."),
            _ => Issued(applied.Next!, credential, secret),
        };
    }

    public async Task<EnrollmentOutcome<RevocationResult>> RevokeSecretAsync(string clientId, string credentialId)
    {
        var (before, applied) = await store.ChangeAsync(clientId, current =>
            current?.Credentials.Any(c => c.CredentialId == credentialId) == true
                ? new ClientStore.Change(current with { Credentials = [.. current.Credentials.Where(c => c.CredentialId != credentialId)] }, [credentialId])
                : null);
        return (before, applied) switch
        {
            (null, _) => NotFound(clientId),
            (_, null) => new EnrollmentError(StatusCodes.Status404NotFound, IdentityErrorCodes.CredentialNotFound,
                $"Client '{clientId}' has no active credential '{credentialId}'."),
            _ => new RevocationResult(clientId, [credentialId], ClientRemoved: false),
        };
    }

    public async Task<EnrollmentOutcome<RevocationResult>> RevokeClientAsync(string clientId)
    {
        var (_, applied) = await store.ChangeAsync(clientId, current =>
            current is null ? null : new ClientStore.Change(null, [.. current.Credentials.Select(c => c.CredentialId)]));
        return applied is null ? NotFound(clientId) : new RevocationResult(clientId, applied.Revoked, ClientRemoved: true);
    }

    /// <summary>
    /// Makes a configured bootstrap client exist with exactly this secret: nothing changes when it already
    /// verifies; otherwise the previous bootstrap credential is replaced (and revoked). Secrets added by
    /// rotation are kept unless the role changed.
    /// </summary>
    public async Task<bool> UpsertBootstrapAsync(string clientId, string role, string secret)
    {
        var existing = await store.GetAsync(clientId);
        if (existing is not null && existing.Role == role
            && existing.Credentials.Any(c => c.Bootstrap && SecretHasher.Verify(secret, c)))
        {
            return false;
        }

        var now = time.GetUtcNow();
        var credential = hasher.Hash(secret, now, bootstrap: true);
        var (_, applied) = await store.ChangeAsync(clientId, current =>
        {
            if (current is null)
            {
                return new ClientStore.Change(new ClientRecord(clientId, role, SiteOf(clientId, role), null, now, [credential]), []);
            }

            var kept = current.Role == role ? current.Credentials.Where(c => !c.Bootstrap).ToList() : [];
            // Room for the bootstrap secret: the oldest rotated secret gives way.
            while (kept.Count >= ClientRecord.MaxCredentials)
            {
                kept.RemoveAt(0);
            }

            var revoked = current.Credentials.Where(c => !kept.Contains(c)).Select(c => c.CredentialId).ToList();
            return new ClientStore.Change(current with { Role = role, SiteId = SiteOf(clientId, role), Credentials = [.. kept, credential] }, revoked);
        });
        return applied is not null;
    }

    public static ClientSummary Summarize(ClientRecord client) => new(
        client.ClientId, client.Role, client.SiteId, client.DisplayName, client.CreatedAt,
        [.. client.Credentials.Select(c => new CredentialSummary(c.CredentialId, c.CreatedAt, c.Bootstrap))]);

    /// <summary>A site's client id is its site id, so a site token's <c>site_id</c> cannot be chosen separately.</summary>
    private static string? SiteOf(string clientId, string role) => role == Roles.Site ? clientId : null;

    private static IssuedSecret Issued(ClientRecord client, CredentialRecord credential, string secret) =>
        new(client.ClientId, client.Role, client.SiteId, credential.CredentialId, secret, credential.CreatedAt);

    private static EnrollmentError NotFound(string clientId) =>
        new(StatusCodes.Status404NotFound, IdentityErrorCodes.ClientNotFound, $"No client '{clientId}' is enrolled.");
}

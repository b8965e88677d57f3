using FedGan.Contracts.Identity;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FedGan.ServiceDefaults.Authentication;

/// <summary>
/// Identity's revocation markers in Redis, checked on every authenticated request (one EXISTS), so a
/// revoked credential's tokens stop working at once rather than when they expire.
/// </summary>
internal sealed class CredentialRevocations([FromKeyedServices(CredentialRevocations.StoreKey)] IConnectionMultiplexer redis)
{
    /// <summary>The DI key of this check's own Redis connection (no health check, no spans per request).</summary>
    public const string StoreKey = "fedgan-revocations";

    public async Task<bool> IsRevokedAsync(string credentialId) =>
        await redis.GetDatabase().KeyExistsAsync(TokenConventions.RevokedCredentialKey(credentialId));
}

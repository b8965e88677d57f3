using System.Text.Json;
using FedGan.Contracts;
using FedGan.Contracts.Identity;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FedGan.Identity.Clients;

/// <summary>
/// Clients in Redis: one JSON value per client and a set of all ids. Every change is an optimistic
/// transaction on the client's value, and revoking a credential writes its revocation marker in the
/// same transaction, so no token can outlive the credential it was obtained with.
/// </summary>
public sealed class ClientStore(IConnectionMultiplexer redis, IOptions<IdentityOptions> options)
{
    private const string AllClientsKey = "identity:clients";
    private const int MaxAttempts = 16;

    /// <summary>What a change does: the client's new value (null deletes it) and the credentials it revokes.</summary>
    public sealed record Change(ClientRecord? Next, IReadOnlyList<string> Revoked);

    private static string ClientKey(string clientId) => $"identity:client:{clientId}";

    private IDatabase Db => redis.GetDatabase();

    public async Task<ClientRecord?> GetAsync(string clientId) => Parse(await Db.StringGetAsync(ClientKey(clientId)));

    public async Task<IReadOnlyList<ClientRecord>> ListAsync()
    {
        var ids = (await Db.SetMembersAsync(AllClientsKey)).Select(id => (string)id!).Order(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var values = await Db.StringGetAsync(ids.Select(id => (RedisKey)ClientKey(id)).ToArray());
        return values.Select(Parse).OfType<ClientRecord>().ToList();
    }

    /// <summary>
    /// Applies <paramref name="decide"/> to the current value atomically (retrying when another writer
    /// got there first). <paramref name="decide"/> returns null to change nothing.
    /// </summary>
    public async Task<(ClientRecord? Before, Change? Applied)> ChangeAsync(string clientId, Func<ClientRecord?, Change?> decide)
    {
        var key = ClientKey(clientId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var raw = await Db.StringGetAsync(key);
            var before = Parse(raw);
            var change = decide(before);
            if (change is null)
            {
                return (before, null);
            }

            var transaction = Db.CreateTransaction();
            transaction.AddCondition(raw.IsNull ? Condition.KeyNotExists(key) : Condition.StringEqual(key, raw));
            if (change.Next is null)
            {
                _ = transaction.KeyDeleteAsync(key);
                _ = transaction.SetRemoveAsync(AllClientsKey, clientId);
            }
            else
            {
                _ = transaction.StringSetAsync(key, JsonSerializer.Serialize(change.Next, ContractJson.Options));
                _ = transaction.SetAddAsync(AllClientsKey, clientId);
            }

            foreach (var credentialId in change.Revoked)
            {
                // Kept as long as a token obtained with the credential could still be accepted.
                _ = transaction.StringSetAsync(TokenConventions.RevokedCredentialKey(credentialId), clientId, options.Value.LongestTokenValidity);
            }

            if (await transaction.ExecuteAsync())
            {
                return (before, change);
            }
        }

        throw new InvalidOperationException($"Client '{clientId}' kept changing under {MaxAttempts} attempts to update it.");
    }

    private static ClientRecord? Parse(RedisValue raw) =>
        raw.IsNull ? null : JsonSerializer.Deserialize<ClientRecord>((string)raw!, ContractJson.Options);
}

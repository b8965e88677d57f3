using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using FedGan.Contracts;
using FedGan.Contracts.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;

namespace FedGan.Identity.Keys;

/// <summary>
/// Identity's ES256 signing keys in Redis, shared by every Identity replica: one active key signs;
/// a replaced key stays published until every token it signed has expired, then it is dropped.
/// Private keys are stored encrypted with <see cref="SigningKeyEncryption"/> and never logged.
/// </summary>
public sealed class SigningKeyRing(
    IConnectionMultiplexer redis, SigningKeyEncryption encryption, IOptions<IdentityOptions> options, TimeProvider time,
    ILogger<SigningKeyRing> logger)
{
    private const string KeysKey = "identity:keys";
    private const string ActiveKey = "identity:keys:active";

    private readonly ConcurrentDictionary<string, ECDsaSecurityKey> _privateKeys = new();

    private IDatabase Db => redis.GetDatabase();

    /// <summary>The keys tokens may currently be signed with: the active one and those not yet retired.</summary>
    public async Task<IReadOnlyList<SigningKeyRecord>> PublishedAsync()
    {
        var now = time.GetUtcNow();
        return [.. (await ReadAllAsync()).Where(key => key.RetireAt is null || key.RetireAt > now).OrderBy(key => key.CreatedAt)];
    }

    /// <summary>The active key with its private part, creating the first key if there is none.</summary>
    public async Task<ECDsaSecurityKey> GetActiveAsync()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var activeId = (string?)await Db.StringGetAsync(ActiveKey);
            if (activeId is null)
            {
                await RotateAsync(expectedActive: null);
                continue;
            }

            if (_privateKeys.TryGetValue(activeId, out var cached))
            {
                return cached;
            }

            var record = Parse(await Db.HashGetAsync(KeysKey, activeId));
            if (record is null)
            {
                logger.LogError("Signing key {KeyId} is active but its record is gone; rotating to a new key", activeId);
            }
            else if (record.EncryptionKeyId != encryption.KeyId)
            {
                RotateAwayFromForeignKeyOrThrow(record);
            }
            else if (Decrypt(record) is { } key)
            {
                return _privateKeys.GetOrAdd(activeId, key);
            }
            else
            {
                logger.LogError("Signing key {KeyId} cannot be decrypted although its encryption key matches (damaged record); rotating to a new key", activeId);
            }

            // Sign with a new key; the old public key stays published for the tokens it signed.
            await RotateAsync(expectedActive: activeId);
        }

        throw new InvalidOperationException($"No usable signing key after rotating: check {SigningKeyEncryption.ConfigurationKey} and Redis.");
    }

    /// <summary>
    /// The active key was encrypted under another Identity:SigningKeyEncryptionKey. If it is older than
    /// a token's longest validity, the secret was changed for all replicas (or the key predates it):
    /// rotate once. If it is newer, a replica with a different secret is signing right now; rotating
    /// would make the two replicas take turns replacing each other's key on every request, so refuse
    /// and say why (this replica then fails to start, or reports unready).
    /// </summary>
    private void RotateAwayFromForeignKeyOrThrow(SigningKeyRecord record)
    {
        var age = time.GetUtcNow() - record.CreatedAt;
        if (record.EncryptionKeyId is not null && age < options.Value.LongestTokenValidity)
        {
            throw new SigningKeyEncryptionMismatchException(
                $"The active signing key {record.KeyId} (created {age.TotalSeconds:F0} s ago) is encrypted with encryption key id "
                + $"'{record.EncryptionKeyId}', but this replica's {SigningKeyEncryption.ConfigurationKey} "
                + $"(env {SigningKeyEncryption.ConfigurationKey.Replace(":", "__", StringComparison.Ordinal)}) has id '{encryption.KeyId}'. "
                + "Every Identity replica must be given the same secret.");
        }

        logger.LogWarning(
            "Signing key {KeyId} was encrypted with encryption key id {RecordEncryptionKeyId}, not this Identity's {EncryptionKeyId} "
            + "({ConfigurationKey} was changed); rotating to a new signing key",
            record.KeyId, record.EncryptionKeyId ?? "(Data Protection, before the shared key)", encryption.KeyId, SigningKeyEncryption.ConfigurationKey);
    }

    /// <summary>
    /// Makes a new key the active one. The replaced key retires once its last token has expired.
    /// Only one replica's rotation wins when several rotate at once (<paramref name="expectedActive"/>).
    /// </summary>
    public async Task<KeyRotationResult> RotateAsync(string? expectedActive)
    {
        var now = time.GetUtcNow();
        var (record, key) = NewKey(now);
        var all = await ReadAllAsync();
        var transaction = Db.CreateTransaction();
        transaction.AddCondition(expectedActive is null ? Condition.KeyNotExists(ActiveKey) : Condition.StringEqual(ActiveKey, expectedActive));
        var retireAt = now + options.Value.LongestTokenValidity;
        _ = transaction.HashSetAsync(KeysKey, record.KeyId, Serialize(record));
        foreach (var old in all)
        {
            if (old.RetireAt is null)
            {
                _ = transaction.HashSetAsync(KeysKey, old.KeyId, Serialize(old with { RetireAt = retireAt }));
            }
            else if (old.RetireAt < now)
            {
                _ = transaction.HashDeleteAsync(KeysKey, old.KeyId);
            }
        }

        _ = transaction.StringSetAsync(ActiveKey, record.KeyId);
        if (!await transaction.ExecuteAsync())
        {
            // Another replica rotated first: its key is the active one.
            var winner = (string?)await Db.StringGetAsync(ActiveKey) ?? throw new InvalidOperationException("Key rotation raced and left no active key.");
            return new KeyRotationResult(winner, expectedActive, null);
        }

        _privateKeys[record.KeyId] = key;
        logger.LogInformation("Signing key {KeyId} is now active; {PreviousKeyId} retires at {RetireAt}", record.KeyId, expectedActive, retireAt);
        return new KeyRotationResult(record.KeyId, expectedActive, expectedActive is null ? null : retireAt);
    }

    /// <summary>Rotates when the active key is older than the configured interval.</summary>
    public async Task RotateIfDueAsync()
    {
        var activeId = (string?)await Db.StringGetAsync(ActiveKey);
        var active = activeId is null ? null : Parse(await Db.HashGetAsync(KeysKey, activeId));
        if (active is null || time.GetUtcNow() - active.CreatedAt >= options.Value.KeyRotationInterval)
        {
            await RotateAsync(activeId);
        }
    }

    public async Task<string?> ActiveKeyIdAsync() => await Db.StringGetAsync(ActiveKey);

    public static PublicJsonWebKey ToPublicJwk(SigningKeyRecord record) =>
        new("EC", JsonWebKeyECTypes.P256, record.X, record.Y, record.KeyId, "sig", TokenConventions.SigningAlgorithm);

    public static ECDsaSecurityKey ToPublicSecurityKey(SigningKeyRecord record) =>
        new(ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(record.X), Y = Base64Url.DecodeFromChars(record.Y) },
        }))
        { KeyId = record.KeyId };

    private (SigningKeyRecord Record, ECDsaSecurityKey Key) NewKey(DateTimeOffset now)
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = ecdsa.ExportParameters(includePrivateParameters: true);
        var x = Base64Url.EncodeToString(parameters.Q.X!);
        var y = Base64Url.EncodeToString(parameters.Q.Y!);
        // The key id is the RFC 7638 thumbprint of the public key.
        var kid = Base64Url.EncodeToString(new JsonWebKey { Kty = "EC", Crv = JsonWebKeyECTypes.P256, X = x, Y = y }.ComputeJwkThumbprint());
        var encryptedPrivate = encryption.Encrypt(parameters.D, kid);
        CryptographicOperations.ZeroMemory(parameters.D);
        return (new SigningKeyRecord(kid, x, y, encryptedPrivate, now, null, encryption.KeyId), new ECDsaSecurityKey(ecdsa) { KeyId = kid });
    }

    private ECDsaSecurityKey? Decrypt(SigningKeyRecord record)
    {
        if (record.EncryptedPrivateKey is null || encryption.TryDecrypt(record.EncryptedPrivateKey, record.KeyId) is not { } d)
        {
            return null;
        }

        try
        {
            var ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                D = d,
                Q = new ECPoint { X = Base64Url.DecodeFromChars(record.X), Y = Base64Url.DecodeFromChars(record.Y) },
            });
            return new ECDsaSecurityKey(ecdsa) { KeyId = record.KeyId };
        }
        catch (CryptographicException)
        {
            // Decrypted, but not a private key of this public point.
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    private async Task<IReadOnlyList<SigningKeyRecord>> ReadAllAsync() =>
        [.. (await Db.HashValuesAsync(KeysKey)).Select(Parse).OfType<SigningKeyRecord>()];

    private static string Serialize(SigningKeyRecord record) => JsonSerializer.Serialize(record, ContractJson.Options);

    private static SigningKeyRecord? Parse(RedisValue raw) =>
        raw.IsNull ? null : JsonSerializer.Deserialize<SigningKeyRecord>((string)raw!, ContractJson.Options);
}

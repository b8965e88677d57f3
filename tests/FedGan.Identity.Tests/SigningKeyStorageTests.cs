using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FedGan.Testing;
using StackExchange.Redis;

namespace FedGan.Identity.Tests;

/// <summary>
/// How Identity keeps its signing keys in Redis: encrypted under a secret every replica is given
/// (Identity:SigningKeyEncryptionKey), so replicas sign with one key, a restart keeps it, and Redis
/// alone yields no private key. The format is checked with an independent HKDF + AES-GCM decryption.
/// </summary>
public class SigningKeyStorageTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private const string KeysHash = "identity:keys";

    [Fact]
    public async Task The_private_key_in_Redis_is_AES_GCM_ciphertext_under_the_configured_secret_and_not_the_key_itself()
    {
        var jwks = (await fixture.Service.CreateClient().GetFromJsonAsync<JsonObject>("/.well-known/jwks.json"))!;
        var published = jwks["keys"]![0]!.AsObject();
        var kid = (string)published["kid"]!;

        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        var raw = (string)(await redis.GetDatabase().HashGetAsync(KeysHash, kid))!;
        var stored = JsonNode.Parse(raw)!;

        // HKDF-SHA256 (RFC 5869) of the secret, no salt, info "FedGan.Identity.SigningKeys.v2" -> AES-256-GCM key;
        // stored as base64(nonce 12 | ciphertext | tag 16) with the signing key id as associated data.
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(fixture.Service.SigningKeyEncryptionKey!), 32, [],
            Encoding.UTF8.GetBytes("FedGan.Identity.SigningKeys.v2"));
        var sealedBytes = Convert.FromBase64String((string)stored["encrypted_private_key"]!);
        var d = new byte[sealedBytes.Length - 28];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Decrypt(sealedBytes[..12], sealedBytes[12..^16], sealedBytes[^16..], d, Encoding.UTF8.GetBytes(kid));
        }

        using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        var point = ecdsa.ExportParameters(includePrivateParameters: false).Q;
        Assert.Equal((string)published["x"]!, Base64Url.EncodeToString(point.X));
        Assert.Equal((string)published["y"]!, Base64Url.EncodeToString(point.Y));
        Assert.Equal(Base64Url.EncodeToString(SHA256.HashData(key)[..8]), (string)stored["encryption_key_id"]!);
        // Whoever reads Redis sees no form of the private scalar.
        Assert.Equal(32, d.Length);
        foreach (var form in new[] { Base64Url.EncodeToString(d), Convert.ToBase64String(d), Convert.ToHexString(d), Convert.ToHexStringLower(d) })
        {
            Assert.DoesNotContain(form, raw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Two_replicas_sign_with_one_key_each_accepts_the_others_tokens_and_a_restart_keeps_the_key()
    {
        await using var redis = await RedisServer.StartAsync();
        var secret = IdentityHost.NewBootstrapSecret();
        string firstKid;
        await using (var first = new IdentityHost(redis.ConnectionString, secret))
        await using (var second = new IdentityHost(redis.ConnectionString, secret))
        {
            var fromFirst = await first.TokenAsync(IdentityHost.CoordinatorId, secret);
            var fromSecond = await second.TokenAsync(IdentityHost.CoordinatorId, secret);
            firstKid = (string)Jwt.Header(fromFirst)["kid"]!;

            Assert.Equal(firstKid, (string)Jwt.Header(fromSecond)["kid"]!);
            Assert.Equal(HttpStatusCode.OK, (await second.ClientWith(fromFirst).GetAsync("/clients")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await first.ClientWith(fromSecond).GetAsync("/clients")).StatusCode);
        }

        await using var restarted = new IdentityHost(redis.ConnectionString, secret);
        var afterRestart = await restarted.TokenAsync(IdentityHost.CoordinatorId, secret);
        Assert.Equal(firstKid, (string)Jwt.Header(afterRestart)["kid"]!);
    }

    [Fact]
    public async Task A_replica_given_another_secret_while_the_key_is_in_use_refuses_to_start_naming_the_setting_and_takes_nothing_over()
    {
        await using var redis = await RedisServer.StartAsync();
        var secret = IdentityHost.NewBootstrapSecret();
        await using var first = new IdentityHost(redis.ConnectionString, secret);
        var kid = (string)Jwt.Header(await first.TokenAsync(IdentityHost.CoordinatorId, secret))["kid"]!;

        await using var misconfigured = new IdentityHost(redis.ConnectionString, secret, signingKeyEncryptionKey: IdentityHost.NewBootstrapSecret());
        var error = Assert.ThrowsAny<Exception>(() => misconfigured.CreateClient());

        Assert.Contains("Identity:SigningKeyEncryptionKey (env Identity__SigningKeyEncryptionKey)", error.ToString());
        Assert.Contains("Every Identity replica must be given the same secret", error.ToString());
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        Assert.Equal(kid, (string?)await connection.GetDatabase().StringGetAsync("identity:keys:active"));
        Assert.Equal(kid, (string)Jwt.Header(await first.TokenAsync(IdentityHost.CoordinatorId, secret))["kid"]!);
    }

    [Fact]
    public async Task A_secret_changed_for_every_replica_rotates_once_to_a_new_key_and_the_old_public_key_stays_published()
    {
        await using var redis = await RedisServer.StartAsync();
        var secret = IdentityHost.NewBootstrapSecret();
        string oldKid;
        await using (var before = new IdentityHost(redis.ConnectionString, secret))
        {
            oldKid = (string)Jwt.Header(await before.TokenAsync(IdentityHost.CoordinatorId, secret))["kid"]!;
        }

        // The old key was made longer ago than a token lives (5 min + 5 min skew): no replica still signs with it.
        await BackdateAsync(redis.ConnectionString, oldKid, TimeSpan.FromMinutes(11));
        var newEncryptionKey = IdentityHost.NewBootstrapSecret();
        string newKid;
        await using (var after = new IdentityHost(redis.ConnectionString, secret, signingKeyEncryptionKey: newEncryptionKey))
        {
            newKid = (string)Jwt.Header(await after.TokenAsync(IdentityHost.CoordinatorId, secret))["kid"]!;
            var jwks = (await after.CreateClient().GetFromJsonAsync<JsonObject>("/.well-known/jwks.json"))!;
            var kids = jwks["keys"]!.AsArray().Select(k => (string)k!["kid"]!).ToList();

            Assert.NotEqual(oldKid, newKid);
            Assert.Contains(oldKid, kids);
            Assert.Contains(newKid, kids);
        }

        await using var restarted = new IdentityHost(redis.ConnectionString, secret, signingKeyEncryptionKey: newEncryptionKey);
        Assert.Equal(newKid, (string)Jwt.Header(await restarted.TokenAsync(IdentityHost.CoordinatorId, secret))["kid"]!);
    }

    [Fact]
    public async Task A_damaged_key_record_is_replaced_by_a_new_key()
    {
        await using var redis = await RedisServer.StartAsync();
        var secret = IdentityHost.NewBootstrapSecret();
        string oldKid;
        await using (var before = new IdentityHost(redis.ConnectionString, secret))
        {
            oldKid = (string)Jwt.Header(await before.TokenAsync(IdentityHost.CoordinatorId, secret))["kid"]!;
        }

        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            var record = JsonNode.Parse((string)(await connection.GetDatabase().HashGetAsync(KeysHash, oldKid))!)!;
            record["encrypted_private_key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(60));
            await connection.GetDatabase().HashSetAsync(KeysHash, oldKid, record.ToJsonString());
        }

        await using var after = new IdentityHost(redis.ConnectionString, secret);
        var token = await after.TokenAsync(IdentityHost.CoordinatorId, secret);

        Assert.NotEqual(oldKid, (string)Jwt.Header(token)["kid"]!);
        Assert.Equal(HttpStatusCode.OK, (await after.ClientWith(token).GetAsync("/clients")).StatusCode);
    }

    [Theory]
    [InlineData(null, "Identity:SigningKeyEncryptionKey (env Identity__SigningKeyEncryptionKey) is required.")]
    [InlineData("only-42-characters-long-which-is-too-short", "Identity:SigningKeyEncryptionKey (env Identity__SigningKeyEncryptionKey): ")]
    public async Task Identity_without_a_usable_encryption_secret_does_not_start_and_names_the_setting(string? encryptionKey, string expected)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var identity = new IdentityHost(redis.ConnectionString, IdentityHost.NewBootstrapSecret(), signingKeyEncryptionKey: encryptionKey);

        var error = Assert.ThrowsAny<Exception>(() => identity.CreateClient());

        Assert.Contains(expected, error.ToString());
        if (encryptionKey is null)
        {
            Assert.DoesNotContain("minimum length", error.ToString());
        }
    }

    private static async Task BackdateAsync(string redisConnectionString, string kid, TimeSpan age)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redisConnectionString);
        var db = connection.GetDatabase();
        var record = JsonNode.Parse((string)(await db.HashGetAsync(KeysHash, kid))!)!;
        record["created_at"] = DateTimeOffset.UtcNow - age;
        await db.HashSetAsync(KeysHash, kid, record.ToJsonString());
    }
}

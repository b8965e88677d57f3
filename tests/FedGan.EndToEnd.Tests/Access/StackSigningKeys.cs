using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace FedGan.EndToEnd.Tests.Access;

/// <summary>
/// Signs JWTs by hand (RFC 7515, ES256), either with a key of its own or with the stack's real active
/// key, read as an insider holding both Redis and Identity's signing-key encryption secret would. Tokens
/// that Identity would never issue (wrong audience, long expired) can then be checked for what they
/// are, not merely for an unknown signature.
/// </summary>
public static class StackSigningKeys
{
    public static async Task<(string KeyId, ECDsa Key)> ActiveAsync(LocalStack stack)
    {
        var connectionString = await stack.App.GetConnectionStringAsync("redis", TestContext.Current.CancellationToken);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString!);
        var db = redis.GetDatabase();
        var keyId = (string)(await db.StringGetAsync("identity:keys:active"))!;
        var record = JsonNode.Parse((string)(await db.HashGetAsync("identity:keys", keyId))!)!;

        // HKDF-SHA256 of the secret into an AES-256-GCM key; base64(nonce 12 | ciphertext | tag 16), the key id as associated data.
        var aesKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(AccessStackFixture.SigningKeyEncryptionKey), 32, [],
            Encoding.UTF8.GetBytes("FedGan.Identity.SigningKeys.v2"));
        var sealedBytes = Convert.FromBase64String((string)record["encrypted_private_key"]!);
        var d = new byte[sealedBytes.Length - 28];
        using (var aes = new AesGcm(aesKey, 16))
        {
            aes.Decrypt(sealedBytes[..12], sealedBytes[12..^16], sealedBytes[^16..], d, Encoding.UTF8.GetBytes(keyId));
        }

        var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = d,
            Q = new ECPoint { X = Base64Url.DecodeFromChars((string)record["x"]!), Y = Base64Url.DecodeFromChars((string)record["y"]!) },
        });
        return (keyId, key);
    }

    /// <summary>Identity's claims for a coordinator, with <paramref name="change"/> applied.</summary>
    public static JsonObject CoordinatorClaims(Action<JsonObject>? change = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = "urn:fedgan:identity",
            ["aud"] = "fedgan",
            ["sub"] = "coordinator",
            ["client_id"] = "coordinator",
            ["role"] = "coordinator",
            ["cid"] = "cred_forged",
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 60,
        };
        change?.Invoke(claims);
        return claims;
    }

    public static string Sign(JsonObject claims, string keyId, ECDsa key)
    {
        var header = new JsonObject { ["alg"] = "ES256", ["kid"] = keyId, ["typ"] = "at+jwt" };
        var signingInput = $"{Part(header)}.{Part(claims)}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    private static string Part(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));
}

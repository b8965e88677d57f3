using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FedGan.Identity.Tests;

/// <summary>
/// Reads and checks a compact JWS by hand (RFC 7515, RFC 7518 section 3.4), independently of the
/// Microsoft.IdentityModel code that produced it.
/// </summary>
internal static class Jwt
{
    public static JsonObject Header(string token) => Part(token, 0);

    public static JsonObject Payload(string token) => Part(token, 1);

    /// <summary>ES256: ECDSA P-256 / SHA-256 over "header.payload", signature r||s (64 bytes).</summary>
    public static bool VerifiesWith(string token, JsonObject jwk)
    {
        var parts = token.Split('.');
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars((string)jwk["x"]!), Y = Base64Url.DecodeFromChars((string)jwk["y"]!) },
        });
        return ecdsa.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order, no whitespace.</summary>
    public static string Thumbprint(JsonObject jwk) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{{\"crv\":\"{jwk["crv"]}\",\"kty\":\"{jwk["kty"]}\",\"x\":\"{jwk["x"]}\",\"y\":\"{jwk["y"]}\"}}")));

    private static JsonObject Part(string token, int index) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[index]))!.AsObject();
}

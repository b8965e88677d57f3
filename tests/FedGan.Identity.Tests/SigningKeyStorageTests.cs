using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FedGan.Identity.Tests;

public class SigningKeyStorageTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    [Fact]
    public async Task The_private_key_in_Redis_is_Data_Protection_ciphertext_of_the_key_whose_public_half_is_published()
    {
        var jwks = (await fixture.Service.CreateClient().GetFromJsonAsync<JsonObject>("/.well-known/jwks.json"))!;
        var published = jwks["keys"]![0]!.AsObject();

        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        var stored = JsonNode.Parse((string)(await redis.GetDatabase().HashGetAsync("identity:keys", (string)published["kid"]!))!)!;
        var ciphertext = Convert.FromBase64String((string)stored["protected_private_key"]!);

        // ASP.NET Core Data Protection payloads start with the magic header 0x09F0C9F0
        // (docs: "Authenticated encryption details"); a raw P-256 scalar would be 32 bytes.
        Assert.Equal(new byte[] { 0x09, 0xF0, 0xC9, 0xF0 }, ciphertext[..4]);
        Assert.True(ciphertext.Length > 32);

        // Only with the service's key ring does it become the private key of the published point.
        var d = fixture.Service.Services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector("FedGan.Identity.SigningKeys.v1").Unprotect(ciphertext);
        using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        var point = key.ExportParameters(includePrivateParameters: false).Q;
        Assert.Equal((string)published["x"]!, Base64Url.EncodeToString(point.X));
        Assert.Equal((string)published["y"]!, Base64Url.EncodeToString(point.Y));
    }
}

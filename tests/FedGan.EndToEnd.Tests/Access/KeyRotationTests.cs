using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FedGan.EndToEnd.Tests.Access;

[Collection(AccessCollection.Name)]
public class KeyRotationTests(AccessStackFixture fixture)
{
    private PlatformAccess Platform => fixture.Platform;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Gateway, HttpStatusCode Direct)> SpendingAsync(string token, string study)
    {
        using var gateway = Platform.Gateway(token);
        using var direct = Platform.Direct("privacyaccountant", token);
        using var throughGateway = await gateway.GetAsync($"/privacy/studies/{study}/spending", Cancellation);
        using var bypassing = await direct.GetAsync($"/studies/{study}/spending", Cancellation);
        return (throughGateway.StatusCode, bypassing.StatusCode);
    }

    private async Task<List<string>> PublishedKeyIdsAsync()
    {
        using var anonymous = Platform.Gateway(token: null);
        var jwks = await anonymous.GetFromJsonAsync<JsonObject>("/identity/.well-known/jwks.json", Cancellation);
        return [.. jwks!["keys"]!.AsArray().Select(k => (string)k!["kid"]!)];
    }

    [Fact]
    public async Task After_rotation_old_tokens_work_until_they_expire_new_tokens_use_the_new_key_and_services_need_no_restart()
    {
        var study = "rotation-" + Guid.NewGuid().ToString("N")[..8];
        var oldToken = await Platform.CoordinatorTokenAsync();
        var oldKeyId = (string)JwtHeader(oldToken)["kid"]!;
        using (var coordinator = Platform.Gateway(oldToken))
        {
            using var budget = await coordinator.PutAsJsonAsync($"/privacy/studies/{study}/budget", new { epsilon_max = 8.0, delta = 1e-5 }, Cancellation);
            Assert.Equal(HttpStatusCode.Created, budget.StatusCode);
            using var rotation = await coordinator.PostAsync("/identity/keys/rotation", null, Cancellation);
            Assert.Equal(HttpStatusCode.OK, rotation.StatusCode);
        }

        // The old key retires one token lifetime after the rotation, by which time every token it signed has expired.
        var oldClaims = AccessControlTests.JwtClaims(oldToken);
        var lifetime = TimeSpan.FromSeconds((long)oldClaims["exp"]! - (long)oldClaims["iat"]!);
        var retiredBy = DateTimeOffset.UtcNow + lifetime;

        var newToken = await Platform.CoordinatorTokenAsync();
        var newKeyId = (string)JwtHeader(newToken)["kid"]!;

        Assert.NotEqual(oldKeyId, newKeyId);
        var published = await PublishedKeyIdsAsync();
        Assert.Contains(oldKeyId, published);
        Assert.Contains(newKeyId, published);
        // The gateway and the accountant have never seen the new key: they fetch it on first sight.
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), await SpendingAsync(newToken, study));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), await SpendingAsync(oldToken, study));

        // Once the old token has expired (20 s lifetime, no skew in this stack) it is refused; its
        // key leaves the key set when it retires.
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((long)oldClaims["exp"]!);
        var wait = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1.5);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, Cancellation);
        }

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), await SpendingAsync(oldToken, study));
        var freshToken = await Platform.CoordinatorTokenAsync();
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), await SpendingAsync(freshToken, study));
        Assert.Equal(newKeyId, (string)JwtHeader(freshToken)["kid"]!);
        while (DateTimeOffset.UtcNow < retiredBy + TimeSpan.FromSeconds(5) && (await PublishedKeyIdsAsync()).Contains(oldKeyId))
        {
            await Task.Delay(500, Cancellation);
        }

        Assert.DoesNotContain(oldKeyId, await PublishedKeyIdsAsync());
    }

    private static JsonObject JwtHeader(string token) =>
        JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[0]))!.AsObject();
}

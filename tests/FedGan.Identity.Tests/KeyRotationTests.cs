using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FedGan.Testing;

namespace FedGan.Identity.Tests;

public class KeyRotationTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private IdentityHost Identity => fixture.Service;

    [Fact]
    public async Task After_rotation_new_tokens_use_the_new_key_and_old_tokens_still_work()
    {
        var oldToken = await Identity.TokenAsync(IdentityHost.CoordinatorId, Identity.CoordinatorSecret);
        using var oldCoordinator = Identity.ClientWith(oldToken);

        using var rotation = await oldCoordinator.PostAsync("/keys/rotation", null);
        var rotated = (await rotation.Content.ReadFromJsonAsync<JsonObject>())!;
        var newToken = await Identity.TokenAsync(IdentityHost.CoordinatorId, Identity.CoordinatorSecret);
        var jwks = (await Identity.CreateClient().GetFromJsonAsync<JsonObject>("/.well-known/jwks.json"))!;
        var kids = jwks["keys"]!.AsArray().Select(k => (string)k!["kid"]!).ToList();

        Assert.Equal(HttpStatusCode.OK, rotation.StatusCode);
        Assert.Equal((string)Jwt.Header(oldToken)["kid"]!, (string)rotated["previous_key_id"]!);
        Assert.Equal((string)rotated["active_key_id"]!, (string)Jwt.Header(newToken)["kid"]!);
        Assert.NotEqual((string)Jwt.Header(oldToken)["kid"]!, (string)Jwt.Header(newToken)["kid"]!);
        Assert.Contains((string)Jwt.Header(oldToken)["kid"]!, kids);
        Assert.Contains((string)Jwt.Header(newToken)["kid"]!, kids);
        // The old key retires when its last token can no longer be accepted: lifetime (5 min) + max skew (5 min).
        var retiresIn = DateTimeOffset.Parse((string)rotated["previous_key_retires_at"]!) - DateTimeOffset.UtcNow;
        Assert.InRange(retiresIn, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.OK, (await oldCoordinator.GetAsync("/clients")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Identity.ClientWith(newToken).GetAsync("/clients")).StatusCode);
    }
}

public class BootstrapTests
{
    [Fact]
    public async Task Restarting_with_the_same_bootstrap_secret_changes_nothing_and_a_new_secret_replaces_and_revokes_the_old()
    {
        await using var redis = await RedisServer.StartAsync();
        var firstSecret = IdentityHost.NewBootstrapSecret();
        string firstCredential;
        string tokenFromFirst;
        await using (var first = new IdentityHost(redis.ConnectionString, firstSecret))
        {
            tokenFromFirst = await first.TokenAsync(IdentityHost.CoordinatorId, firstSecret);
            firstCredential = (string)Jwt.Payload(tokenFromFirst)["cid"]!;
        }

        await using (var again = new IdentityHost(redis.ConnectionString, firstSecret))
        {
            var token = await again.TokenAsync(IdentityHost.CoordinatorId, firstSecret);
            Assert.Equal(firstCredential, (string)Jwt.Payload(token)["cid"]!);
        }

        var secondSecret = IdentityHost.NewBootstrapSecret();
        await using var replaced = new IdentityHost(redis.ConnectionString, secondSecret);
        var newToken = await replaced.TokenAsync(IdentityHost.CoordinatorId, secondSecret);

        Assert.NotEqual(firstCredential, (string)Jwt.Payload(newToken)["cid"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await replaced.RequestTokenAsync(IdentityHost.CoordinatorId, firstSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await replaced.ClientWith(tokenFromFirst).GetAsync("/clients")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await replaced.ClientWith(newToken).GetAsync("/clients")).StatusCode);
    }
}

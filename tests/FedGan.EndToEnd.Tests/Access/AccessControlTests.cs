using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace FedGan.EndToEnd.Tests.Access;

/// <summary>Tokens are checked at the gateway and again by the service itself when called directly.</summary>
[Collection(AccessCollection.Name)]
public class AccessControlTests(AccessStackFixture fixture)
{
    private PlatformAccess Platform => fixture.Platform;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>GET a study's spending through the gateway and directly from the PrivacyAccountant.</summary>
    private async Task<(HttpResponseMessage Gateway, HttpResponseMessage Direct)> BothAsync(string? token, HttpMethod method, string path, object? body = null)
    {
        using var gateway = Platform.Gateway(token);
        using var direct = Platform.Direct("privacyaccountant", token);
        return (await SendAsync(gateway, method, "/privacy" + path, body), await SendAsync(direct, method, path, body));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        return await client.SendAsync(request, Cancellation);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation);
        Assert.True(status == response.StatusCode, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        Assert.Equal(code, (string?)body?["code"]);
        if (status == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.First().Scheme);
        }
    }

    private async Task<string> StudyAsync()
    {
        var study = "e2e-" + Guid.NewGuid().ToString("N")[..10];
        using var coordinator = Platform.Gateway(await Platform.CoordinatorTokenAsync());
        using var budget = await coordinator.PutAsJsonAsync($"/privacy/studies/{study}/budget", new { epsilon_max = 8.0, delta = 1e-5 }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, budget.StatusCode);
        return study;
    }

    public static TheoryData<string> RefusedTokens => ["none", "expired", "other-key", "wrong-audience", "wrong-issuer"];

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Missing_expired_foreign_or_misaddressed_tokens_get_401_from_the_gateway_and_from_the_service(string kind)
    {
        var study = await StudyAsync();
        var (activeKeyId, activeKey) = await StackSigningKeys.ActiveAsync(fixture.Stack);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = kind switch
        {
            "none" => null,
            // Signed with Identity's real key, but expired a minute ago.
            "expired" => StackSigningKeys.Sign(StackSigningKeys.CoordinatorClaims(c => { c["iat"] = now - 120; c["nbf"] = now - 120; c["exp"] = now - 60; }), activeKeyId, activeKey),
            "other-key" => StackSigningKeys.Sign(StackSigningKeys.CoordinatorClaims(), activeKeyId, ECDsa.Create(ECCurve.NamedCurves.nistP256)),
            "wrong-audience" => StackSigningKeys.Sign(StackSigningKeys.CoordinatorClaims(c => c["aud"] = "another-api"), activeKeyId, activeKey),
            "wrong-issuer" => StackSigningKeys.Sign(StackSigningKeys.CoordinatorClaims(c => c["iss"] = "https://evil.example"), activeKeyId, activeKey),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var (gateway, direct) = await BothAsync(token, HttpMethod.Get, $"/studies/{study}/spending");

        await AssertRefusedAsync(gateway, HttpStatusCode.Unauthorized, "unauthenticated");
        await AssertRefusedAsync(direct, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task A_token_made_like_the_refused_ones_but_valid_is_accepted_so_the_refusals_are_for_the_stated_reason()
    {
        var study = await StudyAsync();
        var (activeKeyId, activeKey) = await StackSigningKeys.ActiveAsync(fixture.Stack);

        var (gateway, direct) = await BothAsync(StackSigningKeys.Sign(StackSigningKeys.CoordinatorClaims(), activeKeyId, activeKey),
            HttpMethod.Get, $"/studies/{study}/spending");

        Assert.Equal(HttpStatusCode.OK, gateway.StatusCode);
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
    }

    [Fact]
    public async Task Revoking_a_credential_makes_its_unexpired_token_401_at_once_at_the_gateway_and_the_service()
    {
        var study = await StudyAsync();
        var operatorToken = await Platform.EnrolledTokenAsync("ops-" + Guid.NewGuid().ToString("N")[..8], "coordinator");
        var clientId = (string)JwtClaims(operatorToken)["client_id"]!;
        var (gatewayBefore, directBefore) = await BothAsync(operatorToken, HttpMethod.Get, $"/studies/{study}/spending");
        Assert.Equal(HttpStatusCode.OK, gatewayBefore.StatusCode);
        Assert.Equal(HttpStatusCode.OK, directBefore.StatusCode);

        using var coordinator = Platform.Gateway(await Platform.CoordinatorTokenAsync());
        using var revoked = await coordinator.DeleteAsync($"/identity/clients/{clientId}", Cancellation);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        var (gateway, direct) = await BothAsync(operatorToken, HttpMethod.Get, $"/studies/{study}/spending");
        await AssertRefusedAsync(gateway, HttpStatusCode.Unauthorized, "unauthenticated");
        await AssertRefusedAsync(direct, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task A_site_token_cannot_set_a_budget_read_another_sites_spending_or_the_audit_log()
    {
        var study = await StudyAsync();
        var site = "site-" + Guid.NewGuid().ToString("N")[..8];
        var token = await Platform.EnrolledTokenAsync(site, "site");

        var own = await BothAsync(token, HttpMethod.Get, $"/studies/{study}/sites/{site}/spending");
        var otherSite = await BothAsync(token, HttpMethod.Get, $"/studies/{study}/sites/hospital-1/spending");
        var setBudget = await BothAsync(token, HttpMethod.Put, $"/studies/{study}/budget", new { epsilon_max = 1000.0, delta = 1e-5 });
        var audit = await BothAsync(token, HttpMethod.Get, $"/studies/{study}/audit");

        Assert.Equal(HttpStatusCode.OK, own.Gateway.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.Direct.StatusCode);
        foreach (var (gateway, direct) in new[] { otherSite, setBudget, audit })
        {
            await AssertRefusedAsync(gateway, HttpStatusCode.Forbidden, "forbidden");
            await AssertRefusedAsync(direct, HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Fact]
    public async Task An_auditor_token_cannot_write_anything_but_reads_the_audit_log()
    {
        var study = await StudyAsync();
        var token = await Platform.EnrolledTokenAsync("auditor-" + Guid.NewGuid().ToString("N")[..8], "auditor");
        var reservation = $"/studies/{study}/rounds/1/sites/hospital-1/reservation";

        var writes = new[]
        {
            await BothAsync(token, HttpMethod.Put, $"/studies/{study}/budget", new { epsilon_max = 1000.0, delta = 1e-5 }),
            await BothAsync(token, HttpMethod.Put, $"/studies/{study}/sites/hospital-1/budget", new { epsilon_max = 1.0 }),
            await BothAsync(token, HttpMethod.Put, reservation, new { noise_multiplier = 1.0, sampling_rate = 0.01, steps = 10, clipping_bound = 1.0 }),
            await BothAsync(token, HttpMethod.Post, reservation + "/commit"),
            await BothAsync(token, HttpMethod.Post, reservation + "/release"),
        };
        using var auditorOnGateway = Platform.Gateway(token);
        using var enroll = await auditorOnGateway.PostAsJsonAsync("/identity/clients", new { client_id = "sneaky", role = "coordinator" }, Cancellation);
        using var rotate = await auditorOnGateway.PostAsync("/identity/keys/rotation", null, Cancellation);
        using var readAudit = await auditorOnGateway.GetAsync($"/privacy/studies/{study}/audit", Cancellation);

        foreach (var (gateway, direct) in writes)
        {
            await AssertRefusedAsync(gateway, HttpStatusCode.Forbidden, "forbidden");
            await AssertRefusedAsync(direct, HttpStatusCode.Forbidden, "forbidden");
        }

        await AssertRefusedAsync(enroll, HttpStatusCode.Forbidden, "forbidden");
        await AssertRefusedAsync(rotate, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, readAudit.StatusCode);
    }

    [Fact]
    public async Task A_simulated_hospital_holds_its_own_site_credential_from_the_bootstrap()
    {
        var token = await Platform.TokenAsync("hospital-1", await Platform.SecretAsync("hospital-1-client-secret"));
        var claims = JwtClaims(token);

        Assert.Equal("site", (string)claims["role"]!);
        Assert.Equal("hospital-1", (string)claims["site_id"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Platform.RequestTokenAsync("hospital-1", await Platform.SecretAsync("identity-coordinator-secret"))).StatusCode);
    }

    [Fact]
    public async Task Gateway_responses_carry_the_security_headers_and_info_stays_anonymous()
    {
        using var anonymous = Platform.Gateway(token: null);

        using var info = await anonymous.GetAsync("/privacy/info", Cancellation);
        using var discovery = await anonymous.GetAsync("/identity/.well-known/openid-configuration", Cancellation);
        var document = await discovery.Content.ReadFromJsonAsync<JsonObject>(Cancellation);

        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        Assert.Equal("nosniff", info.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", info.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", info.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", info.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-store", info.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        // Reached through the gateway, the document points back through the gateway.
        Assert.Equal(new Uri(Platform.GatewayAddress, "/identity/connect/token"), new Uri((string)document!["token_endpoint"]!));
    }

    internal static JsonObject JwtClaims(string token) =>
        JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]))!.AsObject();
}

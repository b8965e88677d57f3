using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FedGan.Gateway.Tests;

public class EdgeProtectionTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GatewayHost Gateway => fixture.Gateway;

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())?["code"];

    [Theory]
    [InlineData("/privacy/studies/s/budget")]
    [InlineData("/registry/models")]
    [InlineData("/identity/clients")]
    public async Task Service_routes_need_a_token_and_say_so_with_a_problem_and_a_bearer_challenge(string path)
    {
        using var response = await Gateway.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("unauthenticated", await CodeAsync(response));
    }

    [Fact]
    public async Task An_unknown_path_is_404_not_401()
    {
        using var response = await Gateway.CreateClient().GetAsync("/nowhere/info");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", await CodeAsync(response));
    }

    [Theory]
    [InlineData("/privacy/studies/s/budget", 1024 * 1024 + 1)]
    [InlineData("/aggregator/studies/s/rounds/1/sites/x/update", 256L * 1024 * 1024 + 1)]
    public async Task A_body_declared_one_byte_over_the_routes_cap_is_413(string path, long declared)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new DeclaredLengthContent(declared) };

        // Without the redirect handler, which would buffer the content to be able to resend it.
        using var client = Gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Gateway.Tokens.Coordinator());
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", await CodeAsync(response));
    }

    [Fact]
    public async Task A_body_at_the_cap_is_not_refused_for_its_size()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/privacy/studies/s/budget") { Content = new ByteArrayContent(new byte[1024 * 1024]) };

        // Not authenticated, so refused, but for the token and not the size.
        using var response = await Gateway.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        using var response = await Gateway.CreateClient().GetAsync("/identity/clients");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_client_past_its_burst_gets_429_with_Retry_After_while_another_client_still_passes()
    {
        using var noisy = Gateway.CreateClient(Gateway.Tokens.Site("noisy-site"));
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < GatewayFixture.Burst + 3; i++)
        {
            var response = await noisy.GetAsync("/info");
            statuses.Add(response.StatusCode);
            limited ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        using var quiet = Gateway.CreateClient(Gateway.Tokens.Site("quiet-site"));
        using var quietResponse = await quiet.GetAsync("/info");

        // The first Burst requests drain the bucket; nothing refills within the test.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, GatewayFixture.Burst).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)), statuses);
        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("rate_limited", await CodeAsync(limited));
        Assert.Equal(HttpStatusCode.OK, quietResponse.StatusCode);
    }

    [Fact]
    public void A_route_without_an_authorization_policy_stops_the_gateway_from_starting()
    {
        using var misconfigured = new GatewayHost(fixture.Redis.ConnectionString, new Dictionary<string, string>
        {
            ["ReverseProxy:Routes:open:ClusterId"] = "privacyaccountant",
            ["ReverseProxy:Routes:open:Match:Path"] = "/open/{**rest}",
        });

        var error = Assert.ThrowsAny<Exception>(() => misconfigured.CreateClient());
        Assert.Contains("open", error.ToString());
        Assert.Contains("AuthorizationPolicy", error.ToString());
    }

    /// <summary>
    /// Declares a length and never sends a byte: the gateway can only answer (rather than wait for the
    /// body) if it decides from the header alone. The raw-socket end-to-end test shows the same over TCP.
    /// </summary>
    private sealed class DeclaredLengthContent(long length) : HttpContent
    {
        private readonly CancellationTokenSource _abandoned = new();

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            Task.Delay(Timeout.Infinite, _abandoned.Token);

        protected override bool TryComputeLength(out long result)
        {
            result = length;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            _abandoned.Cancel();
            _abandoned.Dispose();
            base.Dispose(disposing);
        }
    }
}

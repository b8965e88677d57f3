using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FedGan.Identity.Tests;

public class TokenEndpointTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private IdentityHost Identity => fixture.Service;

    [Fact]
    public async Task A_bootstrap_client_gets_a_five_minute_ES256_token_for_fedgan_that_verifies_with_the_published_key()
    {
        using var response = await Identity.RequestTokenAsync(IdentityHost.CoordinatorId, Identity.CoordinatorSecret);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("Bearer", (string)body["token_type"]!);
        Assert.Equal(300, (int)body["expires_in"]!);

        var token = (string)body["access_token"]!;
        var header = Jwt.Header(token);
        var claims = Jwt.Payload(token);
        Assert.Equal("ES256", (string)header["alg"]!);
        Assert.Equal("at+jwt", (string)header["typ"]!);
        Assert.Equal("urn:fedgan:identity", (string)claims["iss"]!);
        Assert.Equal("fedgan", (string)claims["aud"]!);
        Assert.Equal("coordinator", (string)claims["sub"]!);
        Assert.Equal("coordinator", (string)claims["role"]!);
        Assert.Equal(300, (long)claims["exp"]! - (long)claims["iat"]!);
        Assert.InRange((long)claims["iat"]!, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        Assert.False(string.IsNullOrEmpty((string?)claims["jti"]));
        Assert.StartsWith("cred_", (string)claims["cid"]!);
        Assert.Null(claims["site_id"]);

        var jwks = await Identity.CreateClient().GetFromJsonAsync<JsonObject>("/.well-known/jwks.json");
        var key = Assert.Single(jwks!["keys"]!.AsArray(), k => (string)k!["kid"]! == (string)header["kid"]!)!.AsObject();
        Assert.True(Jwt.VerifiesWith(token, key));
    }

    [Fact]
    public async Task Two_tokens_have_different_ids()
    {
        var first = await Identity.TokenAsync(IdentityHost.CoordinatorId, Identity.CoordinatorSecret);
        var second = await Identity.TokenAsync(IdentityHost.CoordinatorId, Identity.CoordinatorSecret);

        Assert.NotEqual((string)Jwt.Payload(first)["jti"]!, (string)Jwt.Payload(second)["jti"]!);
    }

    [Fact]
    public async Task The_secret_may_also_be_sent_in_the_form_body()
    {
        using var response = await Identity.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent([
            new("grant_type", "client_credentials"), new("client_id", IdentityHost.CoordinatorId), new("client_secret", Identity.CoordinatorSecret)]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("coordinator", "a-wrong-secret-of-a-plausible-length-0000000")]
    [InlineData("nobody-of-this-name", "a-wrong-secret-of-a-plausible-length-0000000")]
    public async Task A_wrong_secret_or_unknown_client_is_invalid_client_with_a_basic_challenge(string clientId, string secret)
    {
        using var response = await Identity.RequestTokenAsync(clientId, secret);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (string)body["error"]!);
        Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Null(body["access_token"]);
    }

    [Fact]
    public async Task Another_grant_type_is_unsupported_grant_type()
    {
        using var response = await Identity.RequestTokenAsync(IdentityHost.CoordinatorId, Identity.CoordinatorSecret, grantType: "password");
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_grant_type", (string)body["error"]!);
    }

    [Fact]
    public async Task A_JSON_body_or_a_missing_grant_type_is_invalid_request()
    {
        using var json = await Identity.CreateClient().PostAsJsonAsync("/connect/token", new { grant_type = "client_credentials" });
        using var missing = await Identity.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent([new("client_id", "coordinator")]));

        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal("invalid_request", (string)(await json.Content.ReadFromJsonAsync<JsonObject>())!["error"]!);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("invalid_request", (string)(await missing.Content.ReadFromJsonAsync<JsonObject>())!["error"]!);
    }

    [Fact]
    public async Task Authenticating_by_Basic_and_by_the_body_at_once_is_invalid_request()
    {
        using var client = Identity.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("client_secret", Identity.CoordinatorSecret)]),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"coordinator:{Identity.CoordinatorSecret}")));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!);
    }

    [Fact]
    public async Task The_discovery_document_names_the_issuer_the_token_endpoint_and_the_key_set()
    {
        var document = (await Identity.CreateClient().GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration"))!;

        Assert.Equal("urn:fedgan:identity", (string)document["issuer"]!);
        Assert.EndsWith("/connect/token", (string)document["token_endpoint"]!);
        Assert.EndsWith("/.well-known/jwks.json", (string)document["jwks_uri"]!);
        Assert.Equal(["client_credentials"], document["grant_types_supported"]!.AsArray().Select(v => (string)v!));
        Assert.Contains("client_secret_basic", document["token_endpoint_auth_methods_supported"]!.AsArray().Select(v => (string)v!));
    }

    [Fact]
    public async Task The_published_keys_are_public_P256_keys_named_by_their_RFC_7638_thumbprint()
    {
        var jwks = (await Identity.CreateClient().GetFromJsonAsync<JsonObject>("/.well-known/jwks.json"))!;

        Assert.NotEmpty(jwks["keys"]!.AsArray());
        Assert.All(jwks["keys"]!.AsArray(), node =>
        {
            var key = node!.AsObject();
            Assert.Equal("EC", (string)key["kty"]!);
            Assert.Equal("P-256", (string)key["crv"]!);
            Assert.Equal("sig", (string)key["use"]!);
            Assert.Equal("ES256", (string)key["alg"]!);
            Assert.Null(key["d"]);
            Assert.Equal(Jwt.Thumbprint(key), (string)key["kid"]!);
        });
    }
}

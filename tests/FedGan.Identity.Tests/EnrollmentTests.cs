using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace FedGan.Identity.Tests;

public class EnrollmentTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private IdentityHost Identity => fixture.Service;

    private async Task<JsonObject> EnrollAsync(HttpClient coordinator, string clientId, string role)
    {
        using var response = await coordinator.PostAsJsonAsync("/clients", new { client_id = clientId, role });
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body;
    }

    [Fact]
    public async Task An_enrolled_site_gets_its_secret_once_and_tokens_that_name_its_site()
    {
        using var coordinator = await Identity.CoordinatorClientAsync();

        var issued = await EnrollAsync(coordinator, "st-mary", "site");
        var secret = (string)issued["client_secret"]!;
        var claims = Jwt.Payload(await Identity.TokenAsync("st-mary", secret));
        var listed = (await coordinator.GetFromJsonAsync<JsonArray>("/clients?role=site"))!;

        Assert.Equal("site", (string)claims["role"]!);
        Assert.Equal("st-mary", (string)claims["site_id"]!);
        Assert.Equal((string)issued["credential_id"]!, (string)claims["cid"]!);
        // 32 random bytes in base64url are 43 characters: 256 bits.
        Assert.Equal("fgs_".Length + 43, secret.Length);
        var site = Assert.Single(listed, c => (string)c!["client_id"]! == "st-mary")!;
        Assert.DoesNotContain(secret, site.ToJsonString());
        Assert.DoesNotContain("client_secret", site.ToJsonString());
    }

    [Fact]
    public async Task No_secret_is_stored_in_Redis_only_salted_pbkdf2_hashes_with_at_least_100k_iterations()
    {
        using var coordinator = await Identity.CoordinatorClientAsync();
        var secret = (string)(await EnrollAsync(coordinator, "st-jude", "site"))["client_secret"]!;

        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var everything = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: "*"))
        {
            if (await redis.GetDatabase().KeyTypeAsync(key) == RedisType.String)
            {
                everything.Add((string)(await redis.GetDatabase().StringGetAsync(key))!);
            }
            else if (await redis.GetDatabase().KeyTypeAsync(key) == RedisType.Hash)
            {
                everything.AddRange((await redis.GetDatabase().HashValuesAsync(key)).Select(v => (string)v!));
            }
        }

        Assert.DoesNotContain(everything, value => value.Contains(secret, StringComparison.Ordinal)
            || value.Contains(secret["fgs_".Length..], StringComparison.Ordinal)
            || value.Contains(Identity.CoordinatorSecret, StringComparison.Ordinal));
        var stored = JsonNode.Parse(everything.Single(v => v.Contains("\"client_id\":\"st-jude\"")))!;
        var credential = stored["credentials"]![0]!;
        Assert.Equal("pbkdf2-sha256", (string)credential["algorithm"]!);
        Assert.True((int)credential["iterations"]! >= 100_000);
        Assert.Equal(16, Convert.FromBase64String((string)credential["salt"]!).Length);
    }

    [Fact]
    public async Task Rotation_adds_a_second_secret_both_work_until_the_old_one_is_revoked()
    {
        using var coordinator = await Identity.CoordinatorClientAsync();
        var first = await EnrollAsync(coordinator, "st-anne", "site");
        var oldSecret = (string)first["client_secret"]!;

        using var added = await coordinator.PostAsync("/clients/st-anne/secrets", null);
        var second = (await added.Content.ReadFromJsonAsync<JsonObject>())!;
        var newSecret = (string)second["client_secret"]!;
        using var third = await coordinator.PostAsync("/clients/st-anne/secrets", null);

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
        Assert.Equal("too_many_secrets", (string)(await third.Content.ReadFromJsonAsync<JsonObject>())!["code"]!);
        Assert.Equal(HttpStatusCode.OK, (await Identity.RequestTokenAsync("st-anne", oldSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Identity.RequestTokenAsync("st-anne", newSecret)).StatusCode);

        using var revoked = await coordinator.DeleteAsync($"/clients/st-anne/secrets/{(string)first["credential_id"]!}");

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Identity.RequestTokenAsync("st-anne", oldSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Identity.RequestTokenAsync("st-anne", newSecret)).StatusCode);
    }

    [Fact]
    public async Task Revoking_a_credential_voids_its_unexpired_tokens_at_once()
    {
        using var coordinator = await Identity.CoordinatorClientAsync();
        var operatorSecret = (string)(await EnrollAsync(coordinator, "ops-night", "coordinator"))["client_secret"]!;
        using var nightShift = Identity.ClientWith(await Identity.TokenAsync("ops-night", operatorSecret));
        Assert.Equal(HttpStatusCode.OK, (await nightShift.GetAsync("/clients")).StatusCode);

        using var revoked = await coordinator.DeleteAsync("/clients/ops-night");
        using var after = await nightShift.GetAsync("/clients");
        var problem = (await after.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("unauthenticated", (string)problem["code"]!);
        Assert.Contains("invalid_token", after.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Identity.RequestTokenAsync("ops-night", operatorSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync("/clients/ops-night")).StatusCode);
    }

    [Fact]
    public async Task Only_coordinators_administer_clients()
    {
        using var coordinator = await Identity.CoordinatorClientAsync();
        var siteSecret = (string)(await EnrollAsync(coordinator, "st-luke", "site"))["client_secret"]!;
        var auditorSecret = (string)(await EnrollAsync(coordinator, "auditor-1", "auditor"))["client_secret"]!;
        using var site = Identity.ClientWith(await Identity.TokenAsync("st-luke", siteSecret));
        using var auditor = Identity.ClientWith(await Identity.TokenAsync("auditor-1", auditorSecret));
        using var anonymous = Identity.CreateClient();

        using var siteEnrolls = await site.PostAsJsonAsync("/clients", new { client_id = "evil", role = "coordinator" });
        using var auditorLists = await auditor.GetAsync("/clients");
        using var anonymousLists = await anonymous.GetAsync("/clients");

        Assert.Equal(HttpStatusCode.Forbidden, siteEnrolls.StatusCode);
        Assert.Equal("forbidden", (string)(await siteEnrolls.Content.ReadFromJsonAsync<JsonObject>())!["code"]!);
        Assert.Equal(HttpStatusCode.Forbidden, auditorLists.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousLists.StatusCode);
        Assert.Equal("Bearer", anonymousLists.Headers.WwwAuthenticate.First().Scheme);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync("/clients/evil")).StatusCode);
    }

    [Theory]
    [InlineData("Bad Name", "site", "invalid_client_id")]
    [InlineData("fine-name", "superuser", "invalid_role")]
    public async Task Bad_enrollments_are_refused_with_a_reason(string clientId, string role, string code)
    {
        using var coordinator = await Identity.CoordinatorClientAsync();

        using var response = await coordinator.PostAsJsonAsync("/clients", new { client_id = clientId, role });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!);
    }

    [Fact]
    public async Task Enrolling_an_existing_client_again_is_a_conflict()
    {
        using var coordinator = await Identity.CoordinatorClientAsync();
        await EnrollAsync(coordinator, "st-paul", "site");

        using var again = await coordinator.PostAsJsonAsync("/clients", new { client_id = "st-paul", role = "site" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("client_exists", (string)(await again.Content.ReadFromJsonAsync<JsonObject>())!["code"]!);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FedGan.Testing;
using StackExchange.Redis;

namespace FedGan.PrivacyAccountant.Tests;

/// <summary>Who may do what on the ledger: token checks and role policies of the real service.</summary>
public class AccessTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private PrivacyAccountantHost Service => fixture.Service;

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())?["code"];

    private async Task<string> StudyWithBudgetAsync()
    {
        var study = "access-" + Guid.NewGuid().ToString("N")[..8];
        var coordinator = new LedgerClient(Service.CreateClient(Service.Tokens.Coordinator()));
        Assert.Equal(HttpStatusCode.Created, (await coordinator.SetBudgetAsync(study, 8)).StatusCode);
        return study;
    }

    [Fact]
    public async Task Without_a_token_the_ledger_answers_401_with_a_bearer_challenge_and_a_problem()
    {
        var study = await StudyWithBudgetAsync();
        using var anonymous = Service.CreateAnonymousClient();

        using var response = await anonymous.GetAsync($"/studies/{study}/spending");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unauthenticated", await CodeAsync(response));
    }

    [Fact]
    public async Task Health_and_info_stay_anonymous()
    {
        using var anonymous = Service.CreateAnonymousClient();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/info")).StatusCode);
    }

    public static TheoryData<string> UnacceptableTokens => ["expired", "other-key", "wrong-audience", "not-a-jwt"];

    [Theory]
    [MemberData(nameof(UnacceptableTokens))]
    public async Task Expired_foreign_misaddressed_or_malformed_tokens_are_401(string kind)
    {
        var study = await StudyWithBudgetAsync();
        var token = kind switch
        {
            // Expired 2 minutes ago: beyond the 30 s clock skew the services allow.
            "expired" => Service.Tokens.Issue("c", "coordinator", lifetime: TimeSpan.FromMinutes(5), issuedAt: DateTime.UtcNow.AddMinutes(-7)),
            "other-key" => new TestTokens().Coordinator(),
            "wrong-audience" => Service.Tokens.Issue("c", "coordinator", audience: "some-other-api"),
            _ => "not.a.jwt",
        };
        using var client = Service.CreateClient(token);

        using var response = await client.GetAsync($"/studies/{study}/spending");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthenticated", await CodeAsync(response));
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_token_whose_credential_is_marked_revoked_in_Redis_is_401_at_once()
    {
        var study = await StudyWithBudgetAsync();
        var credential = "cred_" + Guid.NewGuid().ToString("N");
        using var client = Service.CreateClient(Service.Tokens.Issue("ops", "coordinator", credentialId: credential));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/studies/{study}/spending")).StatusCode);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        // The marker Identity writes when it revokes a credential (FedGan.Contracts.Identity.TokenConventions).
        await redis.GetDatabase().StringSetAsync($"identity:revoked:{credential}", "ops", TimeSpan.FromMinutes(10));

        using var after = await client.GetAsync($"/studies/{study}/spending");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("revoked", after.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_site_reads_its_own_spending_but_cannot_set_budgets_read_another_site_or_the_audit_log()
    {
        var study = await StudyWithBudgetAsync();
        var site = new LedgerClient(Service.CreateClient(Service.Tokens.Site("hospital-1")));
        using var siteHttp = Service.CreateClient(Service.Tokens.Site("hospital-1"));

        using var own = await siteHttp.GetAsync($"/studies/{study}/sites/hospital-1/spending");
        using var other = await siteHttp.GetAsync($"/studies/{study}/sites/hospital-2/spending");
        using var budget = await site.SetBudgetAsync(study, 1000);
        using var ownBudget = await site.SetSiteBudgetAsync(study, "hospital-1", 1000);
        using var reserve = await site.ReserveAsync(study, 1, "hospital-1");
        using var audit = await siteHttp.GetAsync($"/studies/{study}/audit");
        using var ledger = await siteHttp.GetAsync($"/studies/{study}/ledger");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("forbidden", await CodeAsync(other));
        Assert.Equal(HttpStatusCode.Forbidden, budget.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, ownBudget.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reserve.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, audit.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, ledger.StatusCode);
        Assert.Equal("forbidden", await CodeAsync(audit));
    }

    [Fact]
    public async Task An_auditor_reads_everything_and_writes_nothing()
    {
        var study = await StudyWithBudgetAsync();
        var auditor = new LedgerClient(Service.CreateClient(Service.Tokens.Auditor()));
        using var auditorHttp = Service.CreateClient(Service.Tokens.Auditor());

        HttpResponseMessage[] writes =
        [
            await auditor.SetBudgetAsync(study, 1000),
            await auditor.SetSiteBudgetAsync(study, "hospital-1", 1),
            await auditor.ReserveAsync(study, 1, "hospital-1"),
            await auditor.CommitAsync(study, 1, "hospital-1"),
            await auditor.ReleaseAsync(study, 1, "hospital-1"),
        ];

        Assert.All(writes, response => Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await auditorHttp.GetAsync($"/studies/{study}/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditorHttp.GetAsync($"/studies/{study}/ledger")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditorHttp.GetAsync($"/studies/{study}/sites/hospital-1/spending")).StatusCode);
    }

    [Fact]
    public async Task A_service_reserves_and_commits_but_cannot_read_the_audit_log()
    {
        var study = await StudyWithBudgetAsync();
        var scheduler = new LedgerClient(Service.CreateClient(Service.Tokens.Service("roundscheduler")));
        using var schedulerHttp = Service.CreateClient(Service.Tokens.Service("roundscheduler"));

        Assert.Equal(HttpStatusCode.Created, (await scheduler.ReserveAsync(study, 1, "hospital-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await scheduler.CommitAsync(study, 1, "hospital-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await schedulerHttp.GetAsync($"/studies/{study}/audit")).StatusCode);
    }
}

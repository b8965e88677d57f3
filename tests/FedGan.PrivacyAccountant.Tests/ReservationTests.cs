using System.Net;

namespace FedGan.PrivacyAccountant.Tests;

public class ReservationTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private readonly LedgerClient _ledger = new(fixture.Service.CreateClient());

    [Fact]
    public async Task Committed_rounds_compose_to_the_published_epsilon()
    {
        var study = Studies.NewId();
        Assert.Equal(HttpStatusCode.Created, (await _ledger.SetBudgetAsync(study, epsilonMax: 8)).StatusCode);

        foreach (var round in new[] { 1, 2 })
        {
            Assert.Equal(HttpStatusCode.Created, (await _ledger.ReserveAsync(study, round, "hospital-a")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _ledger.CommitAsync(study, round, "hospital-a")).StatusCode);
        }

        var site = await _ledger.GetAsync($"/studies/{study}/sites/hospital-a/spending");
        Assert.Equal(Studies.OpacusEpsilonFor2250Steps, (double)site["epsilon_spent"]!, 6);
        Assert.Equal(2, (int)site["rounds_committed"]!);
        Assert.Equal(8 - Studies.OpacusEpsilonFor2250Steps, (double)site["epsilon_remaining"]!, 6);
    }

    [Fact]
    public async Task Committed_rounds_of_a_pld_study_compose_to_the_published_pld_epsilon()
    {
        var study = Studies.NewId();
        Assert.Equal(HttpStatusCode.Created, (await _ledger.SetBudgetAsync(study, epsilonMax: 8, accountant: "pld")).StatusCode);

        foreach (var round in new[] { 1, 2 })
        {
            Assert.Equal(HttpStatusCode.Created, (await _ledger.ReserveAsync(study, round, "hospital-a", noise: 0.7, rate: 0.01, steps: 60)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _ledger.CommitAsync(study, round, "hospital-a")).StatusCode);
        }

        var site = await _ledger.GetAsync($"/studies/{study}/sites/hospital-a/spending");
        Assert.Equal(Studies.TensorflowPrivacyPldEpsilonFor120Steps, (double)site["epsilon_spent"]!, Studies.TensorflowPrivacyPldEpsilonFor120Steps * 1e-4);
    }

    [Fact]
    public async Task An_unknown_accountant_is_rejected_naming_the_known_ones()
    {
        var response = await _ledger.SetBudgetAsync(Studies.NewId(), epsilonMax: 8, accountant: "prv");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("accountant must be one of: rdp, pld.", (string)(await LedgerClient.BodyAsync(response))["detail"]!);
    }

    [Fact]
    public async Task A_reservation_past_the_budget_is_refused_with_what_was_spent_requested_and_allowed()
    {
        var study = Studies.NewId();
        await _ledger.SetBudgetAsync(study, epsilonMax: 7.0);
        Assert.Equal(HttpStatusCode.Created, (await _ledger.ReserveAsync(study, 1, "hospital-a")).StatusCode);
        await _ledger.CommitAsync(study, 1, "hospital-a");

        var refused = await _ledger.ReserveAsync(study, 2, "hospital-a");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await LedgerClient.BodyAsync(refused);
        Assert.Equal("privacy_budget_exceeded", (string)problem["code"]!);
        Assert.Equal(7.0, (double)problem["epsilon_budget"]!);
        Assert.Equal(Studies.OpacusEpsilonFor2250Steps, (double)problem["epsilon_after"]!, 6);
        var spent = (double)problem["epsilon_spent"]!;
        Assert.InRange(spent, 0.1, 7.0);
        Assert.Equal(Studies.OpacusEpsilonFor2250Steps - spent, (double)problem["epsilon_requested"]!, 6);

        // Nothing already accepted is lost by the refusal.
        var site = await _ledger.GetAsync($"/studies/{study}/sites/hospital-a/spending");
        Assert.Equal(spent, (double)site["epsilon_spent"]!, 9);
        Assert.Equal(1, (int)site["rounds_committed"]!);
        Assert.Equal(0, (int)site["rounds_reserved"]!);
    }

    [Fact]
    public async Task A_sites_own_stricter_cap_applies_and_other_sites_keep_the_study_budget()
    {
        var study = Studies.NewId();
        await _ledger.SetBudgetAsync(study, epsilonMax: 8);
        await _ledger.SetSiteBudgetAsync(study, "strict", epsilonMax: 7.0);

        await _ledger.ReserveAsync(study, 1, "strict");
        await _ledger.ReserveAsync(study, 1, "relaxed");
        var strict = await _ledger.ReserveAsync(study, 2, "strict");
        var relaxed = await _ledger.ReserveAsync(study, 2, "relaxed");

        Assert.Equal(HttpStatusCode.Conflict, strict.StatusCode);
        Assert.Equal(7.0, (double)(await LedgerClient.BodyAsync(strict))["epsilon_budget"]!);
        Assert.Equal(HttpStatusCode.Created, relaxed.StatusCode);
    }

    [Fact]
    public async Task Reserve_commit_and_release_are_idempotent_and_a_changed_request_conflicts()
    {
        var study = Studies.NewId();
        await _ledger.SetBudgetAsync(study, epsilonMax: 10);

        var first = await _ledger.ReserveAsync(study, 1, "hospital-a");
        var again = await _ledger.ReserveAsync(study, 1, "hospital-a");
        var changed = await _ledger.ReserveAsync(study, 1, "hospital-a", noise: 0.8);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((double)(await LedgerClient.BodyAsync(first))["epsilon_after"]!, (double)(await LedgerClient.BodyAsync(again))["epsilon_after"]!);
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Equal("reservation_conflict", (string)(await LedgerClient.BodyAsync(changed))["code"]!);

        Assert.Equal(HttpStatusCode.OK, (await _ledger.CommitAsync(study, 1, "hospital-a")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _ledger.CommitAsync(study, 1, "hospital-a")).StatusCode);
        var releaseCommitted = await _ledger.ReleaseAsync(study, 1, "hospital-a");
        Assert.Equal(HttpStatusCode.Conflict, releaseCommitted.StatusCode);
        Assert.Equal("reservation_settled", (string)(await LedgerClient.BodyAsync(releaseCommitted))["code"]!);

        await _ledger.ReserveAsync(study, 2, "hospital-a");
        Assert.Equal(HttpStatusCode.OK, (await _ledger.ReleaseAsync(study, 2, "hospital-a")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _ledger.ReleaseAsync(study, 2, "hospital-a")).StatusCode);

        // Only the committed round is spent; the released one gave its reservation back.
        var site = await _ledger.GetAsync($"/studies/{study}/sites/hospital-a/spending");
        Assert.Equal(1, (int)site["rounds_committed"]!);
        Assert.Equal(0, (int)site["rounds_reserved"]!);
        Assert.Equal((double)site["epsilon_spent"]!, (double)site["epsilon_committed_and_reserved"]!);
    }

    [Fact]
    public async Task Open_reservations_count_against_the_budget_until_released()
    {
        var study = Studies.NewId();
        await _ledger.SetBudgetAsync(study, epsilonMax: 7.5);
        await _ledger.ReserveAsync(study, 1, "hospital-a");
        await _ledger.ReserveAsync(study, 2, "hospital-a");

        Assert.Equal(HttpStatusCode.Conflict, (await _ledger.ReserveAsync(study, 3, "hospital-a")).StatusCode);
        await _ledger.ReleaseAsync(study, 2, "hospital-a");
        Assert.Equal(HttpStatusCode.Created, (await _ledger.ReserveAsync(study, 3, "hospital-a")).StatusCode);
    }

    [Theory]
    [InlineData(-1.0, 0.04, 10, 1.0)]
    [InlineData(1.0, 1.5, 10, 1.0)]
    [InlineData(1.0, -0.1, 10, 1.0)]
    [InlineData(1.0, 0.04, -5, 1.0)]
    [InlineData(1.0, 0.04, 10, 0.0)]
    public async Task Invalid_mechanisms_are_rejected_with_a_clear_problem(double noise, double rate, long steps, double clip)
    {
        var study = Studies.NewId();
        await _ledger.SetBudgetAsync(study, epsilonMax: 10);

        var response = await _ledger.ReserveAsync(study, 1, "hospital-a", noise, rate, steps, clip);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await LedgerClient.BodyAsync(response);
        Assert.Equal("invalid_request", (string)problem["code"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]));
    }

    [Theory]
    [InlineData(0.0, 1e-5)]
    [InlineData(10.0, 0.0)]
    [InlineData(10.0, 1.0)]
    public async Task Invalid_budgets_are_rejected(double epsilonMax, double delta)
    {
        var response = await _ledger.SetBudgetAsync(Studies.NewId(), epsilonMax, delta);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (string)(await LedgerClient.BodyAsync(response))["code"]!);
    }

    [Fact]
    public async Task A_budgets_delta_cannot_change_once_set_but_its_epsilon_can()
    {
        var study = Studies.NewId();
        await _ledger.SetBudgetAsync(study, epsilonMax: 5);

        var newDelta = await _ledger.SetBudgetAsync(study, epsilonMax: 5, delta: 1e-6);
        var raised = await _ledger.SetBudgetAsync(study, epsilonMax: 6);

        Assert.Equal(HttpStatusCode.Conflict, newDelta.StatusCode);
        Assert.Equal("study_budget_immutable", (string)(await LedgerClient.BodyAsync(newDelta))["code"]!);
        Assert.Equal(HttpStatusCode.Created, raised.StatusCode);
    }

    [Fact]
    public async Task Reserving_in_a_study_without_a_budget_is_not_found()
    {
        var response = await _ledger.ReserveAsync(Studies.NewId(), 1, "hospital-a");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("study_budget_not_found", (string)(await LedgerClient.BodyAsync(response))["code"]!);
    }

    [Fact]
    public async Task Malformed_ids_and_bodies_are_bad_requests()
    {
        var badSite = await _ledger.ReserveAsync(Studies.NewId(), 1, "Hospital A!");
        Assert.Equal(HttpStatusCode.BadRequest, badSite.StatusCode);
        Assert.Equal("invalid_site_id", (string)(await LedgerClient.BodyAsync(badSite))["code"]!);

        var badRound = await _ledger.ReserveAsync(Studies.NewId(), 0, "hospital-a");
        Assert.Equal("invalid_round", (string)(await LedgerClient.BodyAsync(badRound))["code"]!);

        using var http = fixture.Service.CreateClient();
        using var notJson = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json");
        var response = await http.PutAsync($"/studies/{Studies.NewId()}/budget", notJson);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (string)(await LedgerClient.BodyAsync(response))["code"]!);
    }

    [Fact]
    public async Task The_study_spending_is_the_largest_sites()
    {
        var study = Studies.NewId();
        await _ledger.SetBudgetAsync(study, epsilonMax: 10);
        foreach (var round in new[] { 1, 2 })
        {
            await _ledger.ReserveAsync(study, round, "busy");
            await _ledger.CommitAsync(study, round, "busy");
        }

        await _ledger.ReserveAsync(study, 1, "quiet");
        await _ledger.CommitAsync(study, 1, "quiet");

        var spending = await _ledger.GetAsync($"/studies/{study}/spending");
        Assert.Equal(Studies.OpacusEpsilonFor2250Steps, (double)spending["epsilon_spent"]!, 6);
        Assert.Equal(2, spending["sites"]!.AsArray().Count);
        var ledger = await _ledger.GetArrayAsync($"/studies/{study}/ledger");
        Assert.Equal(["busy:1", "quiet:1", "busy:2"], ledger.Select(e => $"{e!["site_id"]}:{e["round"]}"));
        Assert.All(ledger, e => Assert.Equal("committed", (string)e!["status"]!));
        Assert.All(ledger, e => Assert.Equal(1125, (long)e!["mechanism"]!["steps"]!));
    }
}

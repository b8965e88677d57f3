using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FedGan.RoundScheduler.Tests;

/// <summary>A hospital that has not approved a study declines its round: the round shows why, and the task is no longer offered.</summary>
public sealed class DeclineTests(SchedulerHost scheduler) : IClassFixture<SchedulerHost>
{
    private static string NewStudyId() => "decline-" + Guid.NewGuid().ToString("N")[..10];

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;

    [Fact]
    public async Task A_decline_is_recorded_with_its_reason_shown_in_the_round_and_the_task_is_no_longer_offered()
    {
        var study = NewStudyId();
        // Sites of their own: the task board offers a site any open round of its studies, including other tests'.
        var (a, b) = ("hospital-a-" + study, "hospital-b-" + study);
        await scheduler.OpenRoundAsync(study, a, b);
        using var siteB = scheduler.ClientWith(scheduler.Tokens.Site(b));
        using var coordinator = scheduler.ClientWith(scheduler.Tokens.Coordinator());

        using var before = await siteB.GetAsync($"/sites/{b}/tasks?wait=0", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        using var declined = await siteB.PostAsJsonAsync($"/sites/{b}/tasks/{study}/rounds/1/decline",
            new { reason = "not_approved", detail = $"Study {study} is not in this site's approved studies." }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);

        using var after = await siteB.GetAsync($"/sites/{b}/tasks?wait=0", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, after.StatusCode);

        var round = (await coordinator.GetFromJsonAsync<JsonObject>($"/studies/{study}/rounds/1", TestContext.Current.CancellationToken))!;
        var decline = round["declined_sites"]![b]!;
        Assert.Equal("not_approved", (string)decline["reason"]!);
        Assert.Equal($"Study {study} is not in this site's approved studies.", (string)decline["detail"]!);
        // Declined is not failed: the round is still open for the other site, which is still offered its task.
        Assert.Equal("open", (string)round["state"]!);
        Assert.Null(round["declined_sites"]![a]);
        Assert.Equal([a, b], round["admitted_sites"]!.AsArray().Select(s => (string)s!));
        using var siteA = scheduler.ClientWith(scheduler.Tokens.Site(a));
        using var offeredToA = await siteA.GetAsync($"/sites/{a}/tasks?wait=0", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, offeredToA.StatusCode);

        var listed = (await coordinator.GetFromJsonAsync<JsonArray>($"/studies/{study}/rounds", TestContext.Current.CancellationToken))!;
        Assert.Equal("not_approved", (string)listed[0]!["declined_sites"]![b]!["reason"]!);
    }

    [Fact]
    public async Task Declining_again_with_the_same_reason_is_accepted_once()
    {
        var study = NewStudyId();
        await scheduler.OpenRoundAsync(study, "hospital-a");
        using var site = scheduler.ClientWith(scheduler.Tokens.Site("hospital-a"));
        var body = new { reason = "budget_exceeded", detail = "Study plans epsilon 10 per site; this site approved at most 8." };

        using var first = await site.PostAsJsonAsync($"/sites/hospital-a/tasks/{study}/rounds/1/decline", body, TestContext.Current.CancellationToken);
        using var second = await site.PostAsJsonAsync($"/sites/hospital-a/tasks/{study}/rounds/1/decline", body, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var round = (await second.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        Assert.Single(round["declined_sites"]!.AsObject());
    }

    [Fact]
    public async Task Bad_declines_get_stable_error_codes()
    {
        var study = NewStudyId();
        await scheduler.OpenRoundAsync(study, "hospital-a", "hospital-b");
        using var siteA = scheduler.ClientWith(scheduler.Tokens.Site("hospital-a"));
        using var outsider = scheduler.ClientWith(scheduler.Tokens.Site("hospital-z"));
        var ok = new { reason = "not_approved" };

        using var unknownReason = await siteA.PostAsJsonAsync($"/sites/hospital-a/tasks/{study}/rounds/1/decline", new { reason = "busy" }, TestContext.Current.CancellationToken);
        using var longDetail = await siteA.PostAsJsonAsync($"/sites/hospital-a/tasks/{study}/rounds/1/decline",
            new { reason = "not_approved", detail = new string('x', 501) }, TestContext.Current.CancellationToken);
        using var forAnotherSite = await siteA.PostAsJsonAsync($"/sites/hospital-b/tasks/{study}/rounds/1/decline", ok, TestContext.Current.CancellationToken);
        using var notEnrolled = await outsider.PostAsJsonAsync($"/sites/hospital-z/tasks/{study}/rounds/1/decline", ok, TestContext.Current.CancellationToken);
        using var noSuchRound = await siteA.PostAsJsonAsync($"/sites/hospital-a/tasks/{study}/rounds/7/decline", ok, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, unknownReason.StatusCode);
        Assert.Equal("decline_reason_invalid", (string)(await ProblemAsync(unknownReason))["code"]!);
        Assert.Equal(HttpStatusCode.BadRequest, longDetail.StatusCode);
        Assert.Equal("invalid_request", (string)(await ProblemAsync(longDetail))["code"]!);
        Assert.Equal(HttpStatusCode.Forbidden, forAnotherSite.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notEnrolled.StatusCode);
        Assert.Equal("study_not_found", (string)(await ProblemAsync(notEnrolled))["code"]!);
        Assert.Equal(HttpStatusCode.NotFound, noSuchRound.StatusCode);
        Assert.Equal("round_not_found", (string)(await ProblemAsync(noSuchRound))["code"]!);
    }
}

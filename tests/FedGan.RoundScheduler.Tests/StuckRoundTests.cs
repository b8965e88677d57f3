using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FedGan.RoundScheduler.Tests;

/// <summary>
/// A round that a dependency holds up shows why, backs off, completes once the dependency recovers,
/// and can be retried or failed by an operator; an open round's deadline fires whatever is down.
/// </summary>
public sealed class StuckRoundTests(LiveSchedulerHost scheduler) : IClassFixture<LiveSchedulerHost>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string NewStudyId() => "stuck-" + Guid.NewGuid().ToString("N")[..10];

    private HttpClient Coordinator() => scheduler.ClientWith(scheduler.Tokens.Coordinator());

    public static TheoryData<string, int, string?, string, string> Failures => new()
    {
        { Operation.ReadVersion, 503, null, "registry_unreachable", "opening" },
        { Operation.ReadVersion, 404, "version_not_found", "registry_version_missing", "opening" },
        { Operation.ReadVersion, 403, "forbidden", "registry_refused", "opening" },
        { Operation.Reserve, 503, null, "accountant_unreachable", "opening" },
        { Operation.Reserve, 422, "privacy_unit_mismatch", "privacy_reservation_refused", "opening" },
        { Operation.RegisterRound, 500, null, "aggregator_unreachable", "opening" },
        { Operation.RegisterRound, 409, "round_conflict", "round_registration_refused", "opening" },
        { Operation.ListReceipts, 500, null, "aggregator_unreachable", "open" },
        { Operation.ListReceipts, 403, "forbidden", "receipts_refused", "open" },
        { Operation.Aggregate, 503, null, "aggregator_unreachable", "closed" },
        { Operation.Aggregate, 422, "weights_mismatch", "aggregation_refused", "closed" },
        { Operation.Commit, 500, null, "accountant_unreachable", "closed" },
        { Operation.Commit, 404, "reservation_not_found", "privacy_commit_refused", "closed" },
        { Operation.Release, 409, "reservation_settled", "privacy_release_refused", "closed" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failing_dependency_shows_its_reason_on_the_round_and_the_round_completes_once_it_recovers(
        string operation, int status, string? problemCode, string expectedReason, string expectedState)
    {
        var study = NewStudyId();
        // Site a has uploaded, b never will: the round closes at once (quorum 1, no grace), aggregates a's
        // update, commits a's reservation and releases b's, so every dependency call is on the way.
        scheduler.Dependencies.Uploaded(study, 1, "a");
        scheduler.Dependencies.Fail(operation, status, problemCode);
        using var coordinator = Coordinator();
        try
        {
            await scheduler.CreateStudyAsync(study, ["a", "b"], quorum: 1);

            var stuckRound = await WaitForRoundAsync(coordinator, study, r => r["stuck"] is not null, "stuck");
            var stuck = stuckRound["stuck"]!;
            Assert.Equal(expectedReason, (string)stuck["code"]!);
            Assert.Equal(expectedState, (string)stuckRound["state"]!);
            // The detail says what was being done and what the dependency answered.
            Assert.Contains(expectedReason == "registry_version_missing" ? "is not in the model registry" : $"answered {status}", (string)stuck["detail"]!);
            Assert.True((int)stuck["attempts"]! >= 1);
            Assert.True(Time(stuck["since"]) <= Time(stuck["last_attempt_at"]));
            Assert.True(Time(stuck["next_attempt_at"]) > Time(stuck["last_attempt_at"]));

            var listed = (await coordinator.GetFromJsonAsync<JsonArray>($"/studies/{study}/rounds", Cancellation))!;
            Assert.Equal(expectedReason, (string)listed.Single()!["stuck"]!["code"]!);
        }
        finally
        {
            scheduler.Dependencies.Recover(operation);
        }

        var completed = await WaitForRoundAsync(coordinator, study, r => (string)r["state"]! == "completed", "completed");
        Assert.Null(completed["stuck"]);
        Assert.Equal(1, (int)completed["published_version"]!);
        Assert.Equal(["a"], completed["contributing_sites"]!.AsArray().Select(s => (string)s!));
        Assert.Equal("committed", scheduler.Dependencies.Reservation(study, 1, "a"));
        Assert.Equal("released", scheduler.Dependencies.Reservation(study, 1, "b"));
    }

    [Fact]
    public async Task A_refused_commit_is_retried_with_a_growing_backoff_that_stops_at_its_cap_and_is_counted_by_reason()
    {
        var study = NewStudyId();
        var stuckMeasurements = new ConcurrentQueue<string>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "FedGan" && instrument.Name is "fedgan.rounds.stuck" or "fedgan.rounds.stuck_attempts")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var byTag = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString());
            if (byTag.GetValueOrDefault("study") == study)
            {
                stuckMeasurements.Enqueue($"{instrument.Name} {byTag.GetValueOrDefault("code")}");
            }
        });
        meters.Start();
        var retrySpans = new ConcurrentQueue<Activity>();
        using var spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "FedGan",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "scheduler.round_retry" && (string?)activity.GetTagItem("fedgan.study") == study)
                {
                    retrySpans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(spans);

        // The reservation the commit needs is gone (issue 18: a ledger reset under the accountant).
        scheduler.Dependencies.Uploaded(study, 1, "a");
        scheduler.Dependencies.Fail(Operation.Commit, 404, "reservation_not_found");
        using var coordinator = Coordinator();
        await scheduler.CreateStudyAsync(study, ["a"], quorum: 1);

        var delays = new Dictionary<int, TimeSpan>();
        var sinces = new HashSet<DateTimeOffset>();
        await WaitForRoundAsync(coordinator, study, round =>
        {
            if (round["stuck"] is { } stuck)
            {
                delays[(int)stuck["attempts"]!] = Time(stuck["next_attempt_at"]) - Time(stuck["last_attempt_at"]);
                sinces.Add(Time(stuck["since"]));
            }

            return delays.ContainsKey(4);
        }, "stuck for a fourth attempt", pollEvery: TimeSpan.FromMilliseconds(50));

        // 0.4 s, doubled per attempt, capped at 1.6 s (the host's settings); every retry was recorded.
        Assert.Equal(TimeSpan.FromMilliseconds(1600), delays[4]);
        foreach (var (attempt, expected) in new[] { (1, 400), (2, 800), (3, 1600) })
        {
            if (delays.TryGetValue(attempt, out var delay))
            {
                Assert.Equal(TimeSpan.FromMilliseconds(expected), delay);
            }
        }

        Assert.True(delays.Count >= 3, $"attempts seen: {string.Join(", ", delays.Keys)}");
        Assert.Single(sinces);
        var measured = stuckMeasurements.ToArray();
        Assert.Equal(1, measured.Count(m => m == "fedgan.rounds.stuck privacy_commit_refused"));
        Assert.True(measured.Count(m => m == "fedgan.rounds.stuck_attempts privacy_commit_refused") >= 4);
        // Each retry is a span that says what it retried and which attempt it is.
        Assert.Contains(retrySpans, span => (string?)span.GetTagItem("fedgan.round.stuck_code") == "privacy_commit_refused"
            && span.GetTagItem("fedgan.round.attempt") is int attempt && attempt >= 2 && span.Status == ActivityStatusCode.Error);

        scheduler.Dependencies.Recover(Operation.Commit);
        var completed = await WaitForRoundAsync(coordinator, study, r => (string)r["state"]! == "completed", "completed");
        Assert.Null(completed["stuck"]);
    }

    [Fact]
    public async Task Resolve_retry_clears_the_backoff_and_resolve_fail_releases_every_reservation_and_fails_the_round()
    {
        var study = NewStudyId();
        scheduler.Dependencies.Uploaded(study, 1, "a", "b");
        scheduler.Dependencies.Fail(Operation.Aggregate, 422, "weights_mismatch");
        using var coordinator = Coordinator();
        try
        {
            await scheduler.CreateStudyAsync(study, ["a", "b", "c"], quorum: 2);
            var stuck = (await WaitForRoundAsync(coordinator, study, r => (string?)r["stuck"]?["code"] == "aggregation_refused", "stuck"))["stuck"]!;

            using var retried = await ResolveAsync(coordinator, study, new { action = "retry" });
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
            var afterRetry = (await retried.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!["stuck"]!;
            Assert.True(Time(afterRetry["next_attempt_at"]) <= DateTimeOffset.UtcNow);
            Assert.True(Time(afterRetry["next_attempt_at"]) < Time(stuck["last_attempt_at"]) + LiveSchedulerHost.MaxDelay);

            // Failing needs the accountant, to release the reservations: while it is down, the round stays stuck.
            scheduler.Dependencies.Fail(Operation.Release, 503);
            using var accountantDown = await ResolveAsync(coordinator, study, new { action = "fail", reason = "weights do not match" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, accountantDown.StatusCode);
            Assert.Equal("accountant_unavailable", (string)(await ProblemAsync(accountantDown))["code"]!);
            Assert.Equal("closed", (string)(await coordinator.GetFromJsonAsync<JsonObject>($"/studies/{study}/rounds/1", Cancellation))!["state"]!);
            scheduler.Dependencies.Recover(Operation.Release);

            using var failed = await ResolveAsync(coordinator, study, new { action = "fail", reason = "weights do not match" });
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            var round = (await coordinator.GetFromJsonAsync<JsonObject>($"/studies/{study}/rounds/1", Cancellation))!;
            Assert.Equal("failed", (string)round["state"]!);
            Assert.Null(round["stuck"]);
            Assert.Contains("aggregation_refused", (string)round["failure_reason"]!);
            Assert.Contains("weights do not match", (string)round["failure_reason"]!);
            foreach (var site in new[] { "a", "b", "c" })
            {
                Assert.Equal("released", scheduler.Dependencies.Reservation(study, 1, site));
            }

            Assert.DoesNotContain(scheduler.Dependencies.Settlements, s => s.StartsWith("commit", StringComparison.Ordinal) && s.Contains(study, StringComparison.Ordinal));

            // Failed is final: there is nothing left to resolve.
            using var again = await ResolveAsync(coordinator, study, new { action = "fail" });
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal("round_not_stuck", (string)(await ProblemAsync(again))["code"]!);
        }
        finally
        {
            scheduler.Dependencies.Recover(Operation.Aggregate);
            scheduler.Dependencies.Recover(Operation.Release);
        }
    }

    [Fact]
    public async Task Resolving_a_round_that_is_not_stuck_is_409_and_bad_resolutions_get_stable_codes()
    {
        var study = NewStudyId();
        using var coordinator = Coordinator();
        await scheduler.CreateStudyAsync(study, ["a"], quorum: 1);
        await WaitForRoundAsync(coordinator, study, r => (string)r["state"]! == "open", "open");

        using var notStuck = await ResolveAsync(coordinator, study, new { action = "retry" });
        using var badAction = await ResolveAsync(coordinator, study, new { action = "skip" });
        using var noAction = await ResolveAsync(coordinator, study, new { reason = "why not" });
        using var noRound = await coordinator.PostAsJsonAsync($"/studies/{study}/rounds/7/resolution", new { action = "fail" }, Cancellation);
        using var site = scheduler.ClientWith(scheduler.Tokens.Site("a"));
        using var bySite = await ResolveAsync(site, study, new { action = "fail" });

        Assert.Equal(HttpStatusCode.Conflict, notStuck.StatusCode);
        Assert.Equal("round_not_stuck", (string)(await ProblemAsync(notStuck))["code"]!);
        Assert.Equal(HttpStatusCode.BadRequest, badAction.StatusCode);
        Assert.Equal("resolution_invalid", (string)(await ProblemAsync(badAction))["code"]!);
        Assert.Equal(HttpStatusCode.BadRequest, noAction.StatusCode);
        Assert.Equal("resolution_invalid", (string)(await ProblemAsync(noAction))["code"]!);
        Assert.Equal(HttpStatusCode.NotFound, noRound.StatusCode);
        Assert.Equal("round_not_found", (string)(await ProblemAsync(noRound))["code"]!);
        Assert.Equal(HttpStatusCode.Forbidden, bySite.StatusCode);
        Assert.Equal("open", (string)(await coordinator.GetFromJsonAsync<JsonObject>($"/studies/{study}/rounds/1", Cancellation))!["state"]!);
    }

    [Theory]
    [InlineData(Operation.Release)]
    [InlineData(Operation.ListReceipts)]
    public async Task An_open_round_closes_at_its_deadline_while_a_dependency_is_down(string down)
    {
        var study = NewStudyId();
        // One of the two sites uploads and the quorum is two: only the deadline closes the round.
        scheduler.Dependencies.Uploaded(study, 1, "a");
        using var coordinator = Coordinator();
        await scheduler.CreateStudyAsync(study, ["a", "b"], quorum: 2, deadlineSeconds: 4);
        var open = await WaitForRoundAsync(coordinator, study, r => (string)r["state"]! == "open", "open");
        var deadline = Time(open["deadline"]);

        // The accountant (every settlement) or the aggregator (every receipts listing) goes down before the deadline.
        var operations = down == Operation.Release ? new[] { Operation.Reserve, Operation.Commit, Operation.Release } : [down];
        foreach (var operation in operations)
        {
            scheduler.Dependencies.Fail(operation, 503);
        }

        try
        {
            var closed = await WaitForRoundAsync(coordinator, study, r => (string)r["state"]! != "open", "closed");
            Assert.Equal("closed", (string)closed["state"]!);
            Assert.True(Time(closed["closed_at"]) >= deadline);

            // The round then fails for want of a quorum, which needs the dependency: it shows which.
            var stuck = await WaitForRoundAsync(coordinator, study, r => r["stuck"] is not null, "stuck");
            Assert.Equal(down == Operation.Release ? "accountant_unreachable" : "aggregator_unreachable", (string)stuck["stuck"]!["code"]!);
        }
        finally
        {
            foreach (var operation in operations)
            {
                scheduler.Dependencies.Recover(operation);
            }
        }

        var failed = await WaitForRoundAsync(coordinator, study, r => (string)r["state"]! == "failed", "failed");
        Assert.Equal("only 1 updates by the deadline, quorum 2", (string)failed["failure_reason"]!);
        Assert.Equal("released", scheduler.Dependencies.Reservation(study, 1, "a"));
        Assert.Equal("released", scheduler.Dependencies.Reservation(study, 1, "b"));
    }

    private static Task<HttpResponseMessage> ResolveAsync(HttpClient client, string study, object body) =>
        client.PostAsJsonAsync($"/studies/{study}/rounds/1/resolution", body, Cancellation);

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!;

    private static DateTimeOffset Time(JsonNode? node) => DateTimeOffset.Parse((string)node!, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<JsonObject> WaitForRoundAsync(HttpClient coordinator, string study, Func<JsonObject, bool> condition, string what,
        TimeSpan? pollEvery = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await coordinator.GetAsync($"/studies/{study}/rounds/1", Cancellation);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                last = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancellation))!;
                if (condition(last))
                {
                    return last;
                }
            }

            await Task.Delay(pollEvery ?? TimeSpan.FromMilliseconds(100), Cancellation);
        }

        Assert.Fail($"Round 1 of {study} was not {what} within {Patience}; last seen: {last?.ToJsonString() ?? "no round"}");
        return null!;
    }
}

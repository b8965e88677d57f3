using System.Diagnostics;
using FedGan.Contracts.Studies;
using FedGan.Contracts.Updates;
using FedGan.RoundScheduler.Clients;
using FedGan.RoundScheduler.Studies;
using Microsoft.Extensions.Options;

namespace FedGan.RoundScheduler.Rounds;

/// <summary>
/// Moves a study's current round one state forward: Opening (admit sites through the accountant,
/// register the round with the aggregator) -> Open (watch uploads; close at quorum plus grace, when
/// every admitted site has uploaded or declined, when declines make the quorum unreachable, or at the deadline) -> Closed (aggregate; commit contributors' privacy,
/// release the rest) -> Completed or Failed -> the next round. Every step is idempotent and every
/// transition compare-and-set, so a crash or a second replica at any point only repeats work.
/// A step another service holds up leaves the round where it is with a reason (<see cref="RoundRecord.Stuck"/>)
/// and is tried again after an exponential backoff; an open round's deadline fires regardless.
/// </summary>
public sealed class RoundLifecycle(
    StudyStore store,
    PrivacyAccountantClient privacy,
    AggregatorClient aggregator,
    ModelRegistryClient registry,
    RoundMetrics metrics,
    IOptions<RoundRetryOptions> retry,
    TimeProvider clock,
    ILogger<RoundLifecycle> logger)
{
    private const int MaxDetailLength = 500;

    public async Task AdvanceAsync(string studyId, CancellationToken cancellationToken)
    {
        if (await store.GetStudyAsync(studyId) is not { Status: StudyStatus.Active } study)
        {
            return;
        }

        var round = await store.GetRoundAsync(studyId, study.CurrentRound);
        var now = clock.GetUtcNow();
        if (round?.Stuck is { } waiting && now < waiting.NextAttemptAt && !(round.State == RoundState.Open && now >= round.Deadline))
        {
            return;
        }

        using var activity = round?.Stuck is { } stuck ? StartRetry(round, stuck) : null;
        try
        {
            await StepAsync(study, round, cancellationToken);
        }
        catch (RoundStuckException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Code);
            await RecordStuckAsync(studyId, study.CurrentRound, ex);
        }
    }

    private async Task StepAsync(StoredStudy study, RoundRecord? round, CancellationToken cancellationToken)
    {
        switch (round?.State)
        {
            case null:
                await OpenAsync(study, cancellationToken);
                break;
            case RoundState.Opening:
                await AdmitAsync(study, round, cancellationToken);
                break;
            case RoundState.Open:
                await WatchAsync(study, round, cancellationToken);
                break;
            case RoundState.Closed:
                await AggregateAsync(study, round, cancellationToken);
                break;
            default:
                await MoveOnAsync(study, round);
                break;
        }
    }

    /// <summary>Closes an open round now, as a coordinator may; the next advance aggregates it.</summary>
    public async Task<RoundRecord?> CloseNowAsync(string studyId, int roundNumber)
    {
        var round = await store.GetRoundAsync(studyId, roundNumber);
        if (round is not { State: RoundState.Open })
        {
            return round;
        }

        // A reason the open round was stuck for (listing its uploads) is not the closed round's.
        var closed = round with { State = RoundState.Closed, ClosedAt = clock.GetUtcNow(), Stuck = null };
        return await store.TryReplaceRoundAsync(round, closed) ? closed : await store.GetRoundAsync(studyId, roundNumber);
    }

    private async Task OpenAsync(StoredStudy study, CancellationToken cancellationToken)
    {
        // The round exists from the start (its base hash filled in on admission), so a registry or
        // accountant that holds up the opening has a round to show the reason on.
        var now = clock.GetUtcNow();
        var round = await store.CreateRoundOnceAsync(new RoundRecord(study.Definition.StudyId, study.CurrentRound, RoundState.Opening,
            study.LatestVersion, BaseSha256: "", now, now.AddSeconds(study.Definition.Rounds.DeadlineSeconds),
            [], [], new Dictionary<string, double>(), []));
        await AdmitAsync(study, round, cancellationToken);
    }

    private async Task AdmitAsync(StoredStudy study, RoundRecord round, CancellationToken cancellationToken)
    {
        var definition = study.Definition;
        var baseSha256 = round.BaseSha256;
        if (baseSha256.Length == 0)
        {
            var manifest = await RoundDependency.CallAsync(StuckReasons.RegistryUnreachable, StuckReasons.RegistryRefused,
                $"Reading version {round.BaseVersion} from the model registry",
                () => registry.GetVersionAsync(definition.StudyId, round.BaseVersion, cancellationToken), cancellationToken)
                ?? throw new RoundStuckException(StuckReasons.RegistryVersionMissing,
                    $"Version {round.BaseVersion} of study {definition.StudyId} is not in the model registry.");
            baseSha256 = manifest.WeightsSha256;
        }

        var admitted = new List<string>();
        var refused = new List<string>();
        var epsilon = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var site in definition.Sites)
        {
            var admission = await RoundDependency.CallAsync(StuckReasons.AccountantUnreachable, StuckReasons.PrivacyReservationRefused,
                $"Reserving privacy budget for site {site}",
                () => privacy.ReserveAsync(definition.StudyId, round.Round, site, definition.Privacy, definition.Training.LocalSteps, cancellationToken),
                cancellationToken);
            (admission.Admitted ? admitted : refused).Add(site);
            if (admission.Admitted)
            {
                epsilon[site] = admission.EpsilonAfter;
            }
        }

        if (admitted.Count < definition.Rounds.Quorum)
        {
            logger.LogWarning("Round {Round} of study {StudyId}: only {Admitted} of {Sites} sites fit their privacy budget, fewer than the quorum {Quorum}",
                round.Round, definition.StudyId, admitted.Count, definition.Sites.Count, definition.Rounds.Quorum);
            await ReleaseAsync(definition.StudyId, round.Round, admitted, cancellationToken);
            var failed = round with
            {
                State = RoundState.Failed, BaseSha256 = baseSha256, AdmittedSites = admitted, RefusedSites = refused,
                FailureReason = "privacy_budget_exhausted", Stuck = null,
            };
            if (await store.TryReplaceRoundAsync(round, failed))
            {
                await SetStudyStatusAsync(study, StudyStatus.BudgetExhausted);
            }

            return;
        }

        await RoundDependency.CallAsync(StuckReasons.AggregatorUnreachable, StuckReasons.RoundRegistrationRefused,
            "Registering the round with the aggregator",
            () => aggregator.RegisterRoundAsync(definition.StudyId, round.Round,
                new RoundRegistration(round.BaseVersion, admitted, round.Deadline, definition.Update.ClipNorm, definition.Aggregation),
                cancellationToken),
            cancellationToken);
        var open = round with
        {
            State = RoundState.Open, BaseSha256 = baseSha256, AdmittedSites = admitted, RefusedSites = refused, EpsilonBySite = epsilon, Stuck = null,
        };
        if (await store.TryReplaceRoundAsync(round, open))
        {
            metrics.RoundOpened(definition.StudyId, admitted.Count, refused.Count);
            logger.LogInformation("Opened round {Round} of study {StudyId} on version {Version}: {Admitted} sites admitted, {Refused} refused",
                round.Round, definition.StudyId, round.BaseVersion, admitted.Count, refused.Count);
        }
    }

    private async Task WatchAsync(StoredStudy study, RoundRecord round, CancellationToken cancellationToken)
    {
        var policy = study.Definition.Rounds;
        var now = clock.GetUtcNow();
        IReadOnlyList<UpdateReceipt> receipts;
        try
        {
            receipts = await ReceiptsAsync(round, cancellationToken);
        }
        catch (RoundStuckException ex) when (now >= round.Deadline)
        {
            // The deadline holds whatever state the aggregator is in: close on the uploads seen so far;
            // aggregation reads the receipts again before it judges the quorum.
            logger.LogWarning("Round {Round} of study {StudyId} reached its deadline while the aggregator could not list its updates ({Code}); closing it",
                round.Round, round.StudyId, ex.Code);
            await store.TryReplaceRoundAsync(round, round with { State = RoundState.Closed, ClosedAt = now, Stuck = null });
            return;
        }

        var uploaded = receipts.Select(r => r.SiteId).Order(StringComparer.Ordinal).ToList();
        var quorumAt = uploaded.Count >= policy.Quorum ? round.QuorumReachedAt ?? now : (DateTimeOffset?)null;
        var watched = round with { UploadedSites = uploaded, QuorumReachedAt = quorumAt };
        // Sites that declined will not upload: waiting for them (or for a quorum they make
        // unreachable) would only hold everyone's reservations until the deadline.
        var due = now >= round.Deadline
            || watched.SitesStillExpected == 0
            || uploaded.Count + watched.SitesStillExpected < policy.Quorum
            || (quorumAt is { } reached && now >= reached.AddSeconds(policy.GraceSeconds));

        var next = watched with
        {
            State = due ? RoundState.Closed : RoundState.Open,
            ClosedAt = due ? now : null,
            Stuck = null,
        };
        if (due || round.Stuck is not null || quorumAt != round.QuorumReachedAt || !uploaded.SequenceEqual(round.UploadedSites))
        {
            await store.TryReplaceRoundAsync(round, next);
        }
    }

    private async Task AggregateAsync(StoredStudy study, RoundRecord round, CancellationToken cancellationToken)
    {
        var studyId = round.StudyId;
        if (round.UploadedSites.Count < study.Definition.Rounds.Quorum)
        {
            // The round may have closed on a stale list (at its deadline while the aggregator was down).
            // Record what the aggregator holds; the next advance judges the quorum on it.
            var uploaded = (await ReceiptsAsync(round, cancellationToken)).Select(r => r.SiteId).Order(StringComparer.Ordinal).ToList();
            if (!uploaded.SequenceEqual(round.UploadedSites))
            {
                await store.TryReplaceRoundAsync(round, round with { UploadedSites = uploaded, Stuck = null });
                return;
            }

            var declined = round.DeclinedSites?.Count ?? 0;
            await FailAsync(round, declined == 0
                ? $"only {round.UploadedSites.Count} updates by the deadline, quorum {study.Definition.Rounds.Quorum}"
                : $"only {round.UploadedSites.Count} updates, quorum {study.Definition.Rounds.Quorum}; {declined} admitted sites declined the round", cancellationToken);
            return;
        }

        var epsilon = round.EpsilonBySite.Where(e => round.UploadedSites.Contains(e.Key)).ToDictionary();
        var result = await RoundDependency.CallAsync(StuckReasons.AggregatorUnreachable, StuckReasons.AggregationRefused,
            "Aggregating the round", () => aggregator.AggregateAsync(studyId, round.Round, new AggregationRequest(epsilon), cancellationToken),
            cancellationToken);
        if (result is null)
        {
            await FailAsync(round, "no update to aggregate", cancellationToken);
            return;
        }

        var contributors = result.Contributions.Select(c => c.SiteId).Order(StringComparer.Ordinal).ToList();
        foreach (var site in contributors)
        {
            await RoundDependency.CallAsync(StuckReasons.AccountantUnreachable, StuckReasons.PrivacyCommitRefused,
                $"Committing the privacy reservation of site {site}",
                () => privacy.CommitAsync(studyId, round.Round, site, cancellationToken), cancellationToken);
        }

        await ReleaseAsync(studyId, round.Round, round.AdmittedSites.Except(contributors), cancellationToken);
        var completed = round with { State = RoundState.Completed, PublishedVersion = result.Version, ContributingSites = contributors, Stuck = null };
        if (await store.TryReplaceRoundAsync(round, completed))
        {
            metrics.RoundCompleted(studyId, clock.GetUtcNow() - round.OpenedAt, contributors.Count);
            logger.LogInformation("Round {Round} of study {StudyId} published version {Version} from {Contributors} sites",
                round.Round, studyId, result.Version, contributors.Count);
        }
    }

    private async Task FailAsync(RoundRecord round, string reason, CancellationToken cancellationToken)
    {
        await ReleaseAsync(round.StudyId, round.Round, round.AdmittedSites, cancellationToken);
        if (await store.TryReplaceRoundAsync(round, round with { State = RoundState.Failed, FailureReason = reason, Stuck = null }))
        {
            metrics.RoundFailed(round.StudyId);
            logger.LogWarning("Round {Round} of study {StudyId} failed: {Reason}", round.Round, round.StudyId, reason);
        }
    }

    private async Task MoveOnAsync(StoredStudy study, RoundRecord round)
    {
        var latest = round.PublishedVersion ?? study.LatestVersion;
        var next = round.Round < study.Definition.Rounds.Rounds
            ? study with { CurrentRound = round.Round + 1, LatestVersion = latest }
            : study with { Status = StudyStatus.Completed, LatestVersion = latest };
        await store.TryReplaceStudyAsync(study, next);
    }

    private async Task SetStudyStatusAsync(StoredStudy study, StudyStatus status) =>
        await store.TryReplaceStudyAsync(study, study with { Status = status });

    private async Task ReleaseAsync(string studyId, int round, IEnumerable<string> sites, CancellationToken cancellationToken)
    {
        foreach (var site in sites)
        {
            await RoundDependency.CallAsync(StuckReasons.AccountantUnreachable, StuckReasons.PrivacyReleaseRefused,
                $"Releasing the privacy reservation of site {site}",
                () => privacy.ReleaseAsync(studyId, round, site, cancellationToken), cancellationToken);
        }
    }

    private Task<IReadOnlyList<UpdateReceipt>> ReceiptsAsync(RoundRecord round, CancellationToken cancellationToken) =>
        RoundDependency.CallAsync(StuckReasons.AggregatorUnreachable, StuckReasons.ReceiptsRefused,
            "Listing the round's accepted updates", () => aggregator.GetReceiptsAsync(round.StudyId, round.Round, cancellationToken),
            cancellationToken);

    private static Activity? StartRetry(RoundRecord round, RoundStuck stuck)
    {
        var activity = FedGanTelemetry.ActivitySource.StartActivity("scheduler.round_retry");
        activity?.SetTag("fedgan.study", round.StudyId);
        activity?.SetTag("fedgan.round", round.Round);
        activity?.SetTag("fedgan.round.state", round.State.ToString().ToLowerInvariant());
        activity?.SetTag("fedgan.round.stuck_code", stuck.Code);
        activity?.SetTag("fedgan.round.attempt", stuck.Attempts + 1);
        return activity;
    }

    /// <summary>Leaves the round where it is with why, since when, and when the next attempt is due.</summary>
    private async Task RecordStuckAsync(string studyId, int roundNumber, RoundStuckException failure)
    {
        var detail = failure.Message.Length <= MaxDetailLength ? failure.Message : failure.Message[..MaxDetailLength];
        // Compare-and-set: a site's decline or an operator may rewrite the round meanwhile.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await store.GetRoundAsync(studyId, roundNumber) is not { State: not (RoundState.Completed or RoundState.Failed) } round)
            {
                return;
            }

            var now = clock.GetUtcNow();
            var attempts = (round.Stuck?.Attempts ?? 0) + 1;
            var stuck = new RoundStuck(failure.Code, detail, round.Stuck?.Since ?? now, attempts, now, now + retry.Value.DelayAfter(attempts));
            if (await store.TryReplaceRoundAsync(round, round with { Stuck = stuck }))
            {
                metrics.RoundStuck(studyId, failure.Code, newlyStuck: round.Stuck?.Code != failure.Code);
                logger.LogWarning("Round {Round} of study {StudyId} is stuck in {State}: {Code} (attempt {Attempt}, stuck since {Since}); next attempt at {NextAttemptAt}. {Detail}",
                    roundNumber, studyId, round.State, failure.Code, attempts, stuck.Since, stuck.NextAttemptAt, detail);
                return;
            }
        }
    }
}

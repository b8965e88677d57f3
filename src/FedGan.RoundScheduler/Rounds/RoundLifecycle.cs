using FedGan.Contracts.Studies;
using FedGan.Contracts.Updates;
using FedGan.RoundScheduler.Clients;
using FedGan.RoundScheduler.Studies;

namespace FedGan.RoundScheduler.Rounds;

/// <summary>
/// Moves a study's current round one state forward: Opening (admit sites through the accountant,
/// register the round with the aggregator) -> Open (watch uploads; close at quorum plus grace, when
/// every admitted site has uploaded or declined, when declines make the quorum unreachable, or at the deadline) -> Closed (aggregate; commit contributors' privacy,
/// release the rest) -> Completed or Failed -> the next round. Every step is idempotent and every
/// transition compare-and-set, so a crash or a second replica at any point only repeats work.
/// </summary>
public sealed class RoundLifecycle(
    StudyStore store,
    PrivacyAccountantClient privacy,
    AggregatorClient aggregator,
    ModelRegistryClient registry,
    RoundMetrics metrics,
    TimeProvider clock,
    ILogger<RoundLifecycle> logger)
{
    public async Task AdvanceAsync(string studyId, CancellationToken cancellationToken)
    {
        if (await store.GetStudyAsync(studyId) is not { Status: StudyStatus.Active } study)
        {
            return;
        }

        var round = await store.GetRoundAsync(studyId, study.CurrentRound);
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

        var closed = round with { State = RoundState.Closed, ClosedAt = clock.GetUtcNow() };
        return await store.TryReplaceRoundAsync(round, closed) ? closed : await store.GetRoundAsync(studyId, roundNumber);
    }

    private async Task OpenAsync(StoredStudy study, CancellationToken cancellationToken)
    {
        var studyId = study.Definition.StudyId;
        var manifest = await registry.GetVersionAsync(studyId, study.LatestVersion, cancellationToken)
            ?? throw new InvalidOperationException($"Version {study.LatestVersion} of study {studyId} is not in the registry.");
        var now = clock.GetUtcNow();
        var round = await store.CreateRoundOnceAsync(new RoundRecord(studyId, study.CurrentRound, RoundState.Opening,
            study.LatestVersion, manifest.WeightsSha256, now, now.AddSeconds(study.Definition.Rounds.DeadlineSeconds),
            [], [], new Dictionary<string, double>(), []));
        await AdmitAsync(study, round, cancellationToken);
    }

    private async Task AdmitAsync(StoredStudy study, RoundRecord round, CancellationToken cancellationToken)
    {
        var definition = study.Definition;
        var admitted = new List<string>();
        var refused = new List<string>();
        var epsilon = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var site in definition.Sites)
        {
            var admission = await privacy.ReserveAsync(definition.StudyId, round.Round, site, definition.Privacy,
                definition.Training.LocalSteps, cancellationToken);
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
            var failed = round with { State = RoundState.Failed, AdmittedSites = admitted, RefusedSites = refused, FailureReason = "privacy_budget_exhausted" };
            if (await store.TryReplaceRoundAsync(round, failed))
            {
                await SetStudyStatusAsync(study, StudyStatus.BudgetExhausted);
            }

            return;
        }

        await aggregator.RegisterRoundAsync(definition.StudyId, round.Round,
            new RoundRegistration(round.BaseVersion, admitted, round.Deadline, definition.Update.ClipNorm, definition.Aggregation),
            cancellationToken);
        var open = round with { State = RoundState.Open, AdmittedSites = admitted, RefusedSites = refused, EpsilonBySite = epsilon };
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
        var receipts = await aggregator.GetReceiptsAsync(round.StudyId, round.Round, cancellationToken);
        var uploaded = receipts.Select(r => r.SiteId).Order(StringComparer.Ordinal).ToList();
        var now = clock.GetUtcNow();
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
        };
        if (due || quorumAt != round.QuorumReachedAt || !uploaded.SequenceEqual(round.UploadedSites))
        {
            await store.TryReplaceRoundAsync(round, next);
        }
    }

    private async Task AggregateAsync(StoredStudy study, RoundRecord round, CancellationToken cancellationToken)
    {
        var studyId = round.StudyId;
        if (round.UploadedSites.Count < study.Definition.Rounds.Quorum)
        {
            var declined = round.DeclinedSites?.Count ?? 0;
            await FailAsync(round, declined == 0
                ? $"only {round.UploadedSites.Count} updates by the deadline, quorum {study.Definition.Rounds.Quorum}"
                : $"only {round.UploadedSites.Count} updates, quorum {study.Definition.Rounds.Quorum}; {declined} admitted sites declined the round", cancellationToken);
            return;
        }

        var epsilon = round.EpsilonBySite.Where(e => round.UploadedSites.Contains(e.Key)).ToDictionary();
        var result = await aggregator.AggregateAsync(studyId, round.Round, new AggregationRequest(epsilon), cancellationToken);
        if (result is null)
        {
            await FailAsync(round, "no update to aggregate", cancellationToken);
            return;
        }

        var contributors = result.Contributions.Select(c => c.SiteId).Order(StringComparer.Ordinal).ToList();
        foreach (var site in contributors)
        {
            await privacy.CommitAsync(studyId, round.Round, site, cancellationToken);
        }

        await ReleaseAsync(studyId, round.Round, round.AdmittedSites.Except(contributors), cancellationToken);
        var completed = round with { State = RoundState.Completed, PublishedVersion = result.Version, ContributingSites = contributors };
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
        if (await store.TryReplaceRoundAsync(round, round with { State = RoundState.Failed, FailureReason = reason }))
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
            await privacy.ReleaseAsync(studyId, round, site, cancellationToken);
        }
    }
}

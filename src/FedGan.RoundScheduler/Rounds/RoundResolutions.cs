using FedGan.Contracts.Studies;
using FedGan.RoundScheduler.Clients;
using FedGan.RoundScheduler.Studies;

namespace FedGan.RoundScheduler.Rounds;

/// <summary>What became of an operator's resolution of a stuck round.</summary>
public enum ResolutionOutcome
{
    Resolved,
    RoundNotFound,
    NotStuck,
    AccountantUnavailable,
}

/// <summary>
/// An operator's way out of a stuck round: try the step again now, or give the round up, releasing
/// every reservation it holds so no site's budget stays locked by a round that will never publish.
/// </summary>
public sealed class RoundResolutions(
    StudyStore store,
    PrivacyAccountantClient privacy,
    RoundMetrics metrics,
    TimeProvider clock,
    ILogger<RoundResolutions> logger)
{
    private const int Attempts = 8;

    /// <summary>Reservations the accountant no longer holds as pending: nothing left to release.</summary>
    private static readonly HashSet<string> AlreadySettled = ["reservation_not_found", "reservation_settled"];

    public async Task<(ResolutionOutcome Outcome, RoundRecord? Round, string? Detail)> ResolveAsync(
        string studyId, int roundNumber, RoundResolution resolution, CancellationToken cancellationToken)
    {
        if (await store.GetRoundAsync(studyId, roundNumber) is not { } round)
        {
            return (ResolutionOutcome.RoundNotFound, null, null);
        }

        if (round.Stuck is null)
        {
            return (ResolutionOutcome.NotStuck, round, null);
        }

        if (resolution.Action == RoundResolutionActions.Fail)
        {
            var unsettled = await ReleaseAllAsync(round, cancellationToken);
            if (unsettled is not null)
            {
                return (ResolutionOutcome.AccountantUnavailable, round, unsettled);
            }
        }

        // Compare-and-set against the lifecycle, which records each retry on the round.
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (round.Stuck is not { } stuck)
            {
                return (ResolutionOutcome.NotStuck, round, null);
            }

            var now = clock.GetUtcNow();
            var next = resolution.Action == RoundResolutionActions.Fail
                ? round with
                {
                    State = RoundState.Failed,
                    Stuck = null,
                    FailureReason = $"failed by an operator while stuck in {round.State.ToString().ToLowerInvariant()} ({stuck.Code})"
                        + (string.IsNullOrWhiteSpace(resolution.Reason) ? "" : $": {resolution.Reason.Trim()}"),
                }
                : round with { Stuck = stuck with { NextAttemptAt = now } };
            if (await store.TryReplaceRoundAsync(round, next))
            {
                metrics.RoundResolved(studyId, stuck.Code, resolution.Action!);
                if (next.State == RoundState.Failed)
                {
                    metrics.RoundFailed(studyId);
                }

                logger.LogWarning("An operator resolved round {Round} of study {StudyId}, stuck on {Code} since {Since}: {Action}",
                    roundNumber, studyId, stuck.Code, stuck.Since, resolution.Action);
                return (ResolutionOutcome.Resolved, next, null);
            }

            if (await store.GetRoundAsync(studyId, roundNumber) is not { } reread)
            {
                return (ResolutionOutcome.RoundNotFound, null, null);
            }

            round = reread;
        }

        return (ResolutionOutcome.NotStuck, round, null);
    }

    /// <returns>Null when every admitted site's reservation is settled, else why one could not be released.</returns>
    private async Task<string?> ReleaseAllAsync(RoundRecord round, CancellationToken cancellationToken)
    {
        foreach (var site in round.AdmittedSites)
        {
            try
            {
                await privacy.ReleaseAsync(round.StudyId, round.Round, site, cancellationToken);
            }
            catch (UpstreamProblemException ex) when (ex.Code is not null && AlreadySettled.Contains(ex.Code))
            {
                // Already committed or released, or missing: the round holds nothing of this site's budget.
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                return $"Could not release the reservation of site {site}: {ex.Message}";
            }
        }

        return null;
    }
}

using FedGan.Contracts.Studies;
using FedGan.RoundScheduler.Studies;

namespace FedGan.RoundScheduler.Rounds;

/// <summary>What became of a site's decline.</summary>
public enum DeclineOutcome
{
    Recorded,
    StudyNotFound,
    RoundNotFound,
    RoundNotOpen,
    NotAdmitted,
    AlreadyUploaded,
}

/// <summary>
/// Records that an admitted site declined an open round (its operator has not approved the study, or
/// not on these terms). The site is then shown as declined rather than missing, the task board stops
/// offering it the round, and the lifecycle releases its reservation when the round ends.
/// </summary>
public sealed class RoundDeclines(StudyStore store, ILogger<RoundDeclines> logger)
{
    private const int Attempts = 8;

    public async Task<(DeclineOutcome Outcome, RoundRecord? Round)> DeclineAsync(string siteId, string studyId, int roundNumber, RoundDecline decline)
    {
        // A site sees only the studies it is enrolled in; to it, any other study does not exist.
        if (await store.GetStudyAsync(studyId) is not { } study || !study.Definition.Sites.Contains(siteId))
        {
            return (DeclineOutcome.StudyNotFound, null);
        }

        // Compare-and-set against the lifecycle, which rewrites the round as uploads arrive.
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var round = await store.GetRoundAsync(studyId, roundNumber);
            var refusal = round switch
            {
                null => DeclineOutcome.RoundNotFound,
                _ when round.DeclinedSites?.TryGetValue(siteId, out var earlier) == true && earlier == decline => DeclineOutcome.Recorded,
                { State: not RoundState.Open } => DeclineOutcome.RoundNotOpen,
                _ when !round.AdmittedSites.Contains(siteId) => DeclineOutcome.NotAdmitted,
                _ when round.UploadedSites.Contains(siteId) => DeclineOutcome.AlreadyUploaded,
                _ => (DeclineOutcome?)null,
            };
            if (refusal is { } outcome)
            {
                return (outcome, round);
            }

            var declined = new Dictionary<string, RoundDecline>(round!.DeclinedSites ?? new Dictionary<string, RoundDecline>(), StringComparer.Ordinal)
            {
                [siteId] = decline,
            };
            var next = round with { DeclinedSites = declined };
            if (await store.TryReplaceRoundAsync(round, next))
            {
                logger.LogInformation("Site {SiteId} declined round {Round} of study {StudyId}: {Reason}", siteId, roundNumber, studyId, decline.Reason);
                return (DeclineOutcome.Recorded, next);
            }
        }

        throw new InvalidOperationException($"Round {roundNumber} of study {studyId} kept changing while site {siteId} declined it; the site retries.");
    }
}

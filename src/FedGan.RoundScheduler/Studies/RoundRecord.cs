using FedGan.Contracts.Studies;

namespace FedGan.RoundScheduler.Studies;

/// <summary>
/// A round's full state in Redis. Every transition replaces it with compare-and-set, so the round
/// moves forward exactly once whichever replica (or restart) drives it.
/// </summary>
public sealed record RoundRecord(
    string StudyId,
    int Round,
    RoundState State,
    int BaseVersion,
    string BaseSha256,
    DateTimeOffset OpenedAt,
    DateTimeOffset Deadline,
    IReadOnlyList<string> AdmittedSites,
    IReadOnlyList<string> RefusedSites,
    IReadOnlyDictionary<string, double> EpsilonBySite,
    IReadOnlyList<string> UploadedSites,
    DateTimeOffset? QuorumReachedAt = null,
    DateTimeOffset? ClosedAt = null,
    int? PublishedVersion = null,
    IReadOnlyList<string>? ContributingSites = null,
    string? FailureReason = null,
    IReadOnlyDictionary<string, RoundDecline>? DeclinedSites = null,
    RoundStuck? Stuck = null)
{
    public RoundInfo ToInfo() => new(StudyId, Round, State, BaseVersion, AdmittedSites, RefusedSites, OpenedAt, Deadline,
        ClosedAt, PublishedVersion, UploadedSites, ContributingSites ?? [], EpsilonBySite, FailureReason,
        DeclinedSites ?? new Dictionary<string, RoundDecline>(), Stuck);

    public bool HasDeclined(string siteId) => DeclinedSites?.ContainsKey(siteId) == true;

    /// <summary>Admitted sites that may still upload: neither uploaded nor declined.</summary>
    public int SitesStillExpected => AdmittedSites.Count(site => !UploadedSites.Contains(site) && !HasDeclined(site));
}

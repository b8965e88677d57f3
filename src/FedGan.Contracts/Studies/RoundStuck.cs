namespace FedGan.Contracts.Studies;

/// <summary>
/// Why a round has stopped progressing, since when, and when the scheduler tries again. Null on a
/// round that is progressing. <see cref="Code"/> is one of <see cref="StuckReasons"/>.
/// </summary>
public sealed record RoundStuck(
    string Code,
    string Detail,
    DateTimeOffset Since,
    int Attempts,
    DateTimeOffset LastAttemptAt,
    DateTimeOffset NextAttemptAt);

/// <summary>The stable codes of <see cref="RoundStuck"/>: which dependency held the round, and how.</summary>
public static class StuckReasons
{
    /// <summary>The model registry did not answer (network error, timeout, 5xx).</summary>
    public const string RegistryUnreachable = "registry_unreachable";

    /// <summary>The model registry refused to read the version (e.g. 403: the scheduler may not read it).</summary>
    public const string RegistryRefused = "registry_refused";

    /// <summary>The registry does not have the version the round should start from.</summary>
    public const string RegistryVersionMissing = "registry_version_missing";

    /// <summary>The privacy accountant did not answer (network error, timeout, 5xx).</summary>
    public const string AccountantUnreachable = "accountant_unreachable";

    /// <summary>The accountant refused a reservation for a reason other than the site's budget.</summary>
    public const string PrivacyReservationRefused = "privacy_reservation_refused";

    /// <summary>The accountant refused to commit a contributor's reservation (e.g. it is missing).</summary>
    public const string PrivacyCommitRefused = "privacy_commit_refused";

    /// <summary>The accountant refused to release a reservation.</summary>
    public const string PrivacyReleaseRefused = "privacy_release_refused";

    /// <summary>The aggregator did not answer (network error, timeout, 5xx).</summary>
    public const string AggregatorUnreachable = "aggregator_unreachable";

    /// <summary>The aggregator refused to register the round.</summary>
    public const string RoundRegistrationRefused = "round_registration_refused";

    /// <summary>The aggregator refused to list the round's accepted updates.</summary>
    public const string ReceiptsRefused = "receipts_refused";

    /// <summary>The aggregator refused to aggregate the closed round.</summary>
    public const string AggregationRefused = "aggregation_refused";
}

/// <summary>What an operator does about a stuck round: one of <see cref="RoundResolutionActions"/>.</summary>
public sealed record RoundResolution(string? Action, string? Reason = null);

public static class RoundResolutionActions
{
    /// <summary>Try the stuck step again now, without waiting for the backoff.</summary>
    public const string Retry = "retry";

    /// <summary>Give the round up: release every reservation of the round, mark it failed, move on.</summary>
    public const string Fail = "fail";

    public static readonly IReadOnlyList<string> All = [Retry, Fail];
}

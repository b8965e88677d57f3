namespace FedGan.Contracts.Studies;

public enum RoundState
{
    /// <summary>Sites are being admitted (privacy reservations) and the aggregator told of the round.</summary>
    Opening,

    /// <summary>Admitted sites may fetch the task and upload.</summary>
    Open,

    /// <summary>No more uploads; the aggregator is producing the next version.</summary>
    Closed,

    /// <summary>The next version is published and the privacy ledger settled.</summary>
    Completed,

    /// <summary>Too few updates by the deadline: nothing published, every reservation released.</summary>
    Failed,
}

/// <summary>
/// A round as the scheduler tracks it. <see cref="DeclinedSites"/>: admitted sites that declined it, with why
/// (not failures). <see cref="Stuck"/>: why the round is not progressing, null while it is.
/// </summary>
public sealed record RoundInfo(
    string StudyId,
    int Round,
    RoundState State,
    int GlobalVersion,
    IReadOnlyList<string> AdmittedSites,
    IReadOnlyList<string> RefusedSites,
    DateTimeOffset OpenedAt,
    DateTimeOffset Deadline,
    DateTimeOffset? ClosedAt,
    int? PublishedVersion,
    IReadOnlyList<string> UploadedSites,
    IReadOnlyList<string> ContributingSites,
    IReadOnlyDictionary<string, double> EpsilonBySite,
    string? FailureReason,
    IReadOnlyDictionary<string, RoundDecline>? DeclinedSites = null,
    RoundStuck? Stuck = null);

/// <summary>
/// What an edge trainer is asked to do: train on version <see cref="ModelVersion"/> (check its hash)
/// with these settings and upload one update before <see cref="Deadline"/>.
/// </summary>
public sealed record TrainingTask(
    string StudyId,
    int Round,
    int ModelVersion,
    string ModelSha256,
    Models.ModelArchitecture Architecture,
    TrainingSettings Training,
    PrivacySettings Privacy,
    UpdateSettings Update,
    DateTimeOffset Deadline);

namespace FedGan.PrivacyAccountant.Ledger;

/// <summary>A site's reservation for one round, with what it does to the site's epsilon.</summary>
public sealed record Reservation(
    string StudyId,
    string SiteId,
    int Round,
    ReservationStatus Status,
    Mechanism Mechanism,
    double Delta,
    double EpsilonBefore,
    double EpsilonAfter,
    double EpsilonBudget,
    DateTimeOffset ReservedAt,
    DateTimeOffset? SettledAt);

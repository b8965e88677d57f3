namespace FedGan.PrivacyAccountant.Ledger;

public enum ReservationStatus
{
    Reserved,
    Committed,
    Released,
}

/// <summary>One round's mechanism at one site, from reservation to commit or release.</summary>
public sealed record LedgerEntry(
    string StudyId,
    string SiteId,
    int Round,
    Mechanism Mechanism,
    ReservationStatus Status,
    DateTimeOffset ReservedAt,
    DateTimeOffset? SettledAt)
{
    /// <summary>Reserved work counts against the budget as if it had happened: it may happen.</summary>
    public bool CountsAgainstBudget => Status is ReservationStatus.Reserved or ReservationStatus.Committed;
}

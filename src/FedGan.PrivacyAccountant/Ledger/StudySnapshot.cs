using FedGan.PrivacyAccountant.Audit;

namespace FedGan.PrivacyAccountant.Ledger;

/// <summary>
/// A study's privacy state as read at one moment, with the audit head that identifies that moment:
/// a write based on this snapshot only applies if the head is still the same.
/// </summary>
public sealed record StudySnapshot(
    string StudyId,
    StudyBudget? Budget,
    IReadOnlyDictionary<string, SiteBudget> SiteBudgets,
    IReadOnlyDictionary<string, IReadOnlyList<LedgerEntry>> EntriesBySite,
    string? Head)
{
    public IReadOnlyList<LedgerEntry> EntriesOf(string siteId) =>
        EntriesBySite.TryGetValue(siteId, out var entries) ? entries : [];

    public LedgerEntry? Entry(string siteId, int round) => EntriesOf(siteId).FirstOrDefault(e => e.Round == round);

    /// <summary>The cap for a site: the study's budget, or the site's own if that is stricter.</summary>
    public double EffectiveBudget(string siteId) =>
        Math.Min(Budget?.EpsilonMax ?? 0, SiteBudgets.TryGetValue(siteId, out var own) ? own.EpsilonMax : double.PositiveInfinity);

    public (long Seq, string Hash)? ParsedHead => AuditHead.Parse(Head);

    public AuditRecord NextAuditRecord(string payload)
    {
        var (seq, hash) = ParsedHead ?? (0, AuditRecord.GenesisHash);
        return AuditRecord.Link(seq + 1, hash, payload);
    }
}

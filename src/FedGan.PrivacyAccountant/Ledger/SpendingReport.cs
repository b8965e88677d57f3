namespace FedGan.PrivacyAccountant.Ledger;

/// <summary>
/// Where a site stands: epsilon of committed rounds (what has left the building), epsilon including
/// open reservations (what may have), its cap and what remains to reserve.
/// </summary>
public sealed record SiteSpending(
    string SiteId,
    double EpsilonSpent,
    double EpsilonCommittedAndReserved,
    double EpsilonBudget,
    double EpsilonRemaining,
    int RoundsCommitted,
    int RoundsReserved);

/// <summary>A study's ledger summary: each site, and the study-wide epsilon (the largest site's).</summary>
public sealed record StudySpending(
    string StudyId,
    double Delta,
    string Accountant,
    string PrivacyUnit,
    double EpsilonBudget,
    double EpsilonSpent,
    IReadOnlyList<SiteSpending> Sites);

public sealed class SpendingReport(LedgerStore store, EpsilonCalculator calculator)
{
    public async Task<StudySpending?> ForStudyAsync(string studyId)
    {
        var snapshot = await store.ReadAsync(studyId, siteId: null);
        if (snapshot.Budget is not { } budget)
        {
            return null;
        }

        var sites = snapshot.EntriesBySite.Keys.Union(snapshot.SiteBudgets.Keys).Order(StringComparer.Ordinal)
            .Select(site => ForSite(snapshot, site)).ToList();
        return new StudySpending(studyId, budget.Delta, budget.Accountant, budget.PrivacyUnit, budget.EpsilonMax,
            sites.Count == 0 ? 0 : sites.Max(s => s.EpsilonSpent), sites);
    }

    public async Task<SiteSpending?> ForSiteAsync(string studyId, string siteId)
    {
        var snapshot = await store.ReadAsync(studyId, siteId);
        return snapshot.Budget is null ? null : ForSite(snapshot, siteId);
    }

    public async Task<IReadOnlyList<LedgerEntry>?> EntriesAsync(string studyId)
    {
        var snapshot = await store.ReadAsync(studyId, siteId: null);
        return snapshot.Budget is null
            ? null
            : snapshot.EntriesBySite.Values.SelectMany(e => e).OrderBy(e => e.Round).ThenBy(e => e.SiteId, StringComparer.Ordinal).ToList();
    }

    private SiteSpending ForSite(StudySnapshot snapshot, string siteId)
    {
        var entries = snapshot.EntriesOf(siteId);
        var committed = entries.Where(e => e.Status == ReservationStatus.Committed).ToList();
        var open = entries.Where(e => e.Status == ReservationStatus.Reserved).ToList();
        var spent = calculator.Epsilon(snapshot.Budget!, committed.Select(e => e.Mechanism));
        var withOpen = open.Count == 0 ? spent : calculator.Epsilon(snapshot.Budget!, committed.Concat(open).Select(e => e.Mechanism));
        var cap = snapshot.EffectiveBudget(siteId);
        return new SiteSpending(siteId, spent, withOpen, cap, Math.Max(0, cap - withOpen), committed.Count, open.Count);
    }
}

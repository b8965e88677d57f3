namespace FedGan.PrivacyAccountant.Ledger;

/// <summary>The stable codes and messages of the ledger's refusals.</summary>
internal static class LedgerErrors
{
    public static LedgerError BudgetNotFound(string studyId) =>
        new(404, "study_budget_not_found", $"Study '{studyId}' has no privacy budget yet: set one before reserving.");

    public static LedgerError ReservationNotFound(string studyId, string siteId, int round) =>
        new(404, "reservation_not_found", $"Site '{siteId}' has no reservation for round {round} of study '{studyId}'.");

    public static LedgerError ReservationConflict(LedgerEntry existing) =>
        new(409, "reservation_conflict",
            $"Site '{existing.SiteId}' already holds a {existing.Status.ToString().ToLowerInvariant()} reservation for round {existing.Round} with different parameters.");

    public static LedgerError AlreadySettled(LedgerEntry existing, string wanted) =>
        new(409, "reservation_settled",
            $"The reservation of site '{existing.SiteId}' for round {existing.Round} is already {existing.Status.ToString().ToLowerInvariant()}; it cannot be {wanted}.");

    public static LedgerError UnitMismatch(string requested, string budgetUnit) =>
        new(422, "privacy_unit_mismatch", $"The study's budget is per {budgetUnit}; a mechanism accounted per {requested} cannot be charged to it.");

    public static LedgerError BudgetExceeded(string siteId, double spent, double requested, double after, double budget, double delta) =>
        new(409, "privacy_budget_exceeded",
            $"Site '{siteId}' has spent epsilon {spent:G6}; this round would bring it to {after:G6}, past its budget of {budget:G6} (delta {delta:G3}).",
            new Dictionary<string, object?>
            {
                ["site_id"] = siteId,
                ["epsilon_spent"] = spent,
                ["epsilon_requested"] = requested,
                ["epsilon_after"] = after,
                ["epsilon_budget"] = budget,
                ["delta"] = delta,
            });

    public static LedgerError BudgetImmutable(StudyBudget existing) =>
        new(409, "study_budget_immutable",
            $"The study's delta ({existing.Delta:G3}), accountant ({existing.Accountant}) and privacy unit ({existing.PrivacyUnit}) are fixed once set; only epsilon_max may change.");

    public static LedgerError Contention(string studyId) =>
        new(503, "ledger_contention", $"Study '{studyId}' is changing too fast to apply this change now; retry.");
}

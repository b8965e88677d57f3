using FedGan.PrivacyAccountant.Ledger;

namespace FedGan.PrivacyAccountant.Audit;

/// <summary>One change to a study's privacy state, as an auditor reads it.</summary>
public sealed record AuditEvent(
    DateTimeOffset At,
    string Action,
    string StudyId,
    string? SiteId = null,
    int? Round = null,
    Mechanism? Mechanism = null,
    StudyBudget? StudyBudget = null,
    SiteBudget? SiteBudget = null,
    double? SiteEpsilonAfter = null);

public static class AuditActions
{
    public const string StudyBudgetSet = "study_budget_set";
    public const string SiteBudgetSet = "site_budget_set";
    public const string Reserved = "reserved";
    public const string Committed = "committed";
    public const string Released = "released";
}

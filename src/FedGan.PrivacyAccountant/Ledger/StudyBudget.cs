namespace FedGan.PrivacyAccountant.Ledger;

/// <summary>
/// A study's privacy promise: no site's cumulative epsilon (at <see cref="Delta"/>, for the stated
/// privacy unit) may exceed <see cref="EpsilonMax"/>. Each patient's records live at one site, so
/// the study-wide guarantee is the largest of the sites' epsilons.
/// </summary>
public sealed record StudyBudget(double EpsilonMax, double Delta, string Accountant, string PrivacyUnit);

/// <summary>A hospital's own, possibly stricter, cap within a study.</summary>
public sealed record SiteBudget(double EpsilonMax);

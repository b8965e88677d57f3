using FedGan.Privacy;

namespace FedGan.PrivacyAccountant.Ledger;

/// <summary>Composes a site's ledger entries with the study's accountant.</summary>
public sealed class EpsilonCalculator
{
    public const string DefaultAccountant = "rdp";

    private readonly Dictionary<string, IPrivacyAccountant> _accountants = new(StringComparer.Ordinal)
    {
        ["rdp"] = new RdpAccountant(),
        ["pld"] = new PldAccountant(),
    };

    public IReadOnlyCollection<string> AccountantNames => _accountants.Keys;

    public bool IsKnown(string? accountant) => accountant is not null && _accountants.ContainsKey(accountant);

    /// <summary>Epsilon at the budget's delta of the given mechanisms composed; 0 when there are none.</summary>
    public double Epsilon(StudyBudget budget, IEnumerable<Mechanism> mechanisms)
    {
        var history = mechanisms.Select(m => m.ToSteps()).Where(s => !s.IsTrivial).ToList();
        return history.Count == 0 ? 0 : _accountants[budget.Accountant].GetPrivacySpent(history, budget.Delta).Epsilon;
    }
}

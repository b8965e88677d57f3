using FedGan.Privacy;

namespace FedGan.PrivacyAccountant.Ledger;

/// <summary>Composes a site's ledger entries with the study's accountant.</summary>
public sealed class EpsilonCalculator
{
    public const string DefaultAccountant = Accountants.Rdp;

    public IReadOnlyCollection<string> AccountantNames => Accountants.Names;

    public bool IsKnown(string? accountant) => Accountants.IsKnown(accountant);

    /// <summary>Epsilon at the budget's delta of the given mechanisms composed; 0 when there are none.</summary>
    public double Epsilon(StudyBudget budget, IEnumerable<Mechanism> mechanisms)
    {
        var history = mechanisms.Select(m => m.ToSteps()).Where(s => !s.IsTrivial).ToList();
        return history.Count == 0 ? 0 : Accountants.ByName(budget.Accountant).GetPrivacySpent(history, budget.Delta).Epsilon;
    }
}

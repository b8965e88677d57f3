using FedGan.PrivacyAccountant.Ledger;

namespace FedGan.PrivacyAccountant.Apis;

public sealed record PrivacyServices(PrivacyLedger Ledger, SpendingReport Spending, LedgerStore Store, EpsilonCalculator Calculator);

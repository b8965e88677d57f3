namespace FedGan.PrivacyAccountant.Apis;

public sealed record SetStudyBudgetRequest(double? EpsilonMax, double? Delta, string? Accountant, string? PrivacyUnit);

public sealed record SetSiteBudgetRequest(double? EpsilonMax);

public sealed record ReserveRequest(double? NoiseMultiplier, double? SamplingRate, long? Steps, double? ClippingBound, string? PrivacyUnit);

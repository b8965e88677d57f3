namespace FedGan.Privacy;

/// <summary>
/// An (epsilon, delta) guarantee. <see cref="Order"/> is the Renyi order that gave the bound when
/// the accountant is RDP, and null otherwise. Epsilon is +infinity when no finite epsilon reaches
/// the delta (e.g. no noise at all).
/// </summary>
public sealed record PrivacySpent(double Epsilon, double Delta, double? Order);

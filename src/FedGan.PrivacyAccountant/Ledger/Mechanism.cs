using FedGan.Privacy;

namespace FedGan.PrivacyAccountant.Ledger;

/// <summary>
/// What one site runs in one round: DP-SGD with Poisson sampling. The clipping bound does not
/// change epsilon (noise is a multiple of it) but is recorded so auditors can check the training.
/// </summary>
public sealed record Mechanism(double NoiseMultiplier, double SamplingRate, long Steps, double ClippingBound, string PrivacyUnit)
{
    public GaussianMechanismSteps ToSteps() => new(NoiseMultiplier, SamplingRate, Steps);
}

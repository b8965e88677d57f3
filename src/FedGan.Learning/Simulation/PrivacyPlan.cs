using FedGan.Privacy;

namespace FedGan.Learning.Simulation;

/// <summary>
/// Record-level privacy of one data holder's D steps: the noise multiplier that brings its
/// planned steps to the target epsilon, and the epsilon its steps actually spent (RDP
/// accountant; the calibration only accepts noise the accountant has verified).
/// </summary>
public static class PrivacyPlan
{
    public static double CalibrateNoise(double targetEpsilon, double delta, double samplingRate, long steps) =>
        NoiseCalibration.FindNoiseMultiplier(new RdpAccountant(), targetEpsilon, delta, samplingRate, steps);

    public static PrivacySpent Spent(double noiseMultiplier, double samplingRate, long steps, double delta) =>
        new RdpAccountant().GetPrivacySpent([new GaussianMechanismSteps(noiseMultiplier, samplingRate, steps)], delta);
}

using FedGan.Privacy;

namespace FedGan.Learning.Simulation;

/// <summary>Which accountant turns a site's D steps into epsilon when calibrating the noise.</summary>
public enum AccountantKind
{
    /// <summary>Renyi DP: fast and an upper bound on the PLD figure.</summary>
    Rdp,

    /// <summary>Privacy loss distribution: tighter, so less noise for the same epsilon.</summary>
    Pld,
}

/// <summary>
/// Record-level privacy of one data holder's D steps: the noise multiplier that brings its
/// planned steps to the target epsilon (the calibration only accepts noise the accountant has
/// verified), and the epsilon its steps actually spent by both accountants.
/// </summary>
public static class PrivacyPlan
{
    public static IPrivacyAccountant Create(AccountantKind kind) =>
        Accountants.ByName(kind == AccountantKind.Pld ? Accountants.Pld : Accountants.Rdp);

    /// <param name="alreadySpent">Releases about the same records made before the D steps (a noised label histogram).</param>
    public static double CalibrateNoise(AccountantKind kind, double targetEpsilon, double delta, double samplingRate, long steps,
        IReadOnlyList<GaussianMechanismSteps> alreadySpent) =>
        NoiseCalibration.FindNoiseMultiplier(Create(kind), targetEpsilon, delta, samplingRate, steps, alreadySpent);

    public static PrivacySpent Spent(AccountantKind kind, double noiseMultiplier, double samplingRate, long steps, double delta,
        IReadOnlyList<GaussianMechanismSteps> alreadySpent) =>
        Create(kind).GetPrivacySpent([.. alreadySpent, new GaussianMechanismSteps(noiseMultiplier, samplingRate, steps)], delta);
}

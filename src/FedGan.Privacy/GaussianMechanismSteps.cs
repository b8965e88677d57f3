namespace FedGan.Privacy;

/// <summary>
/// One block of identical DP-SGD steps: each step samples every record independently with
/// probability <see cref="SamplingRate"/> (Poisson sampling) and adds Gaussian noise of standard
/// deviation <see cref="NoiseMultiplier"/> times the clipping norm. A block that cannot describe a
/// mechanism (negative or NaN noise, a rate outside [0, 1], negative steps) cannot be built.
/// </summary>
public sealed record GaussianMechanismSteps(double NoiseMultiplier, double SamplingRate, long Steps)
{
    public double NoiseMultiplier { get; init => field = ValidNoise(value); } = ValidNoise(NoiseMultiplier);

    public double SamplingRate { get; init => field = ValidRate(value); } = ValidRate(SamplingRate);

    public long Steps { get; init => field = ValidSteps(value); } = ValidSteps(Steps);

    /// <summary>True when the block leaks nothing: no steps, or no record is ever sampled.</summary>
    public bool IsTrivial => Steps == 0 || SamplingRate == 0;

    private static double ValidNoise(double value) =>
        double.IsFinite(value) && value >= 0
            ? value
            : throw PrivacyArguments.OutOfRange(nameof(NoiseMultiplier), value, "The noise multiplier must be a finite number >= 0.");

    private static double ValidRate(double value) =>
        value is >= 0 and <= 1
            ? value
            : throw PrivacyArguments.OutOfRange(nameof(SamplingRate), value, "The sampling rate must be between 0 and 1.");

    private static long ValidSteps(long value) =>
        value >= 0
            ? value
            : throw PrivacyArguments.OutOfRange(nameof(Steps), value, "The number of steps must be >= 0.");
}

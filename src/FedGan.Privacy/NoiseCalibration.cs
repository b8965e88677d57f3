namespace FedGan.Privacy;

/// <summary>
/// Finds the smallest noise multiplier whose accounted epsilon does not exceed a target, for a
/// fixed sampling rate, step count and delta. The answer is always one for which the accountant
/// itself reports epsilon &lt;= target: the search keeps only noise values it has verified.
/// </summary>
public static class NoiseCalibration
{
    /// <summary>Relative width at which the bisection stops; the answer is at most this much above the optimum.</summary>
    public const double RelativeTolerance = 1e-4;

    private const double MaxNoiseMultiplier = 1e6;

    public static double FindNoiseMultiplier(IPrivacyAccountant accountant, double targetEpsilon,
        double delta, double samplingRate, long steps)
    {
        ArgumentNullException.ThrowIfNull(accountant);
        PrivacyArguments.RequireDelta(delta);
        if (!(targetEpsilon > 0) || double.IsPositiveInfinity(targetEpsilon))
        {
            throw PrivacyArguments.OutOfRange(nameof(targetEpsilon), targetEpsilon, "The target epsilon must be a finite number > 0.");
        }

        // Validates the rate and steps with the same messages as any history entry.
        _ = new GaussianMechanismSteps(1, samplingRate, steps);
        if (samplingRate == 0 || steps == 0)
        {
            return 0; // Nothing is released about any record: no noise is needed.
        }

        double Epsilon(double sigma) =>
            accountant.GetPrivacySpent([new GaussianMechanismSteps(sigma, samplingRate, steps)], delta).Epsilon;

        // Grow an upper bracket until it meets the target; shrink a lower one until it fails.
        double high = 1;
        while (Epsilon(high) > targetEpsilon)
        {
            high *= 2;
            if (high > MaxNoiseMultiplier)
            {
                throw new ArgumentOutOfRangeException(nameof(targetEpsilon), $"No noise multiplier up to {MaxNoiseMultiplier:G} reaches epsilon {targetEpsilon} at delta {delta} for {steps} steps at rate {samplingRate}.");
            }
        }

        var low = high / 2;
        while (Epsilon(low) <= targetEpsilon)
        {
            high = low;
            low /= 2;
            if (low < 1e-6)
            {
                return high;
            }
        }

        // Invariant: Epsilon(low) > target >= Epsilon(high).
        while (high - low > RelativeTolerance * high)
        {
            var middle = 0.5 * (low + high);
            if (Epsilon(middle) <= targetEpsilon)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return high;
    }
}

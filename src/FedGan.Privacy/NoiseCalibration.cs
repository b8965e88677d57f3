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
        double delta, double samplingRate, long steps) =>
        FindNoiseMultiplier(accountant, targetEpsilon, delta, samplingRate, steps, []);

    /// <summary>
    /// The same search when the records have already paid for <paramref name="alreadySpent"/>
    /// (other releases about them, composed before the steps to be calibrated): the answer keeps
    /// the composition of both within the target.
    /// </summary>
    public static double FindNoiseMultiplier(IPrivacyAccountant accountant, double targetEpsilon,
        double delta, double samplingRate, long steps, IReadOnlyList<GaussianMechanismSteps> alreadySpent)
    {
        ArgumentNullException.ThrowIfNull(alreadySpent);
        ArgumentNullException.ThrowIfNull(accountant);
        PrivacyArguments.RequireDelta(delta);
        if (!(targetEpsilon > 0) || double.IsPositiveInfinity(targetEpsilon))
        {
            throw PrivacyArguments.OutOfRange(nameof(targetEpsilon), targetEpsilon, "The target epsilon must be a finite number > 0.");
        }

        // Validates the rate and steps with the same messages as any history entry.
        _ = new GaussianMechanismSteps(1, samplingRate, steps);
        if (alreadySpent.Count > 0 && accountant.GetPrivacySpent(alreadySpent, delta).Epsilon > targetEpsilon)
        {
            throw new ArgumentOutOfRangeException(nameof(alreadySpent), $"What was already spent exceeds epsilon {targetEpsilon} at delta {delta} before any step.");
        }

        if (samplingRate == 0 || steps == 0)
        {
            return 0; // Nothing is released about any record: no noise is needed.
        }

        double Excess(double sigma) =>
            accountant.GetPrivacySpent([.. alreadySpent, new GaussianMechanismSteps(sigma, samplingRate, steps)], delta).Epsilon - targetEpsilon;

        // Grow an upper bracket until it meets the target; shrink a lower one until it fails.
        double high = 1, excessHigh = Excess(high);
        while (excessHigh > 0)
        {
            high *= 2;
            if (high > MaxNoiseMultiplier)
            {
                throw new ArgumentOutOfRangeException(nameof(targetEpsilon), $"No noise multiplier up to {MaxNoiseMultiplier:G} reaches epsilon {targetEpsilon} at delta {delta} for {steps} steps at rate {samplingRate}.");
            }

            excessHigh = Excess(high);
        }

        double low = high / 2, excessLow = Excess(low);
        while (excessLow <= 0)
        {
            (high, excessHigh) = (low, excessLow);
            low /= 2;
            if (low < 1e-6)
            {
                return high;
            }

            excessLow = Excess(low);
        }

        // Invariant: Epsilon(low) > target >= Epsilon(high). Regula falsi with the Illinois
        // modification converges in a handful of accountant calls where plain bisection needs ~15
        // (each PLD call costs ~0.1 s); a bisection step is forced whenever the bracket fails to halve.
        var lastMoved = 0;
        while (high - low > RelativeTolerance * high)
        {
            var width = high - low;
            var middle = double.IsFinite(excessLow) && excessLow != excessHigh
                ? high - excessHigh * width / (excessHigh - excessLow)
                : 0.5 * (low + high);
            // Keep the trial strictly inside, away from the ends, so the bracket always shrinks.
            middle = Math.Clamp(middle, low + 0.02 * width, high - 0.02 * width);
            var excess = Excess(middle);
            if (excess <= 0)
            {
                high = middle;
                excessHigh = excess;
                if (lastMoved == +1)
                {
                    excessLow /= 2; // Illinois: the stale end's weight is halved.
                }

                lastMoved = +1;
            }
            else
            {
                low = middle;
                excessLow = excess;
                if (lastMoved == -1)
                {
                    excessHigh /= 2;
                }

                lastMoved = -1;
            }

            if (high - low > 0.5 * width && lastMoved != 0)
            {
                // Slow progress: fall back to one bisection step.
                var half = 0.5 * (low + high);
                var halfExcess = Excess(half);
                if (halfExcess <= 0)
                {
                    (high, excessHigh) = (half, halfExcess);
                }
                else
                {
                    (low, excessLow) = (half, halfExcess);
                }
            }
        }

        return high;
    }
}

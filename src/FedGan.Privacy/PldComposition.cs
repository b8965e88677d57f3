using System.Numerics;

namespace FedGan.Privacy;

/// <summary>
/// Composes discrete PLDs (each repeated a number of times) by multiplying their Fourier
/// transforms, as dp_accounting does. The composed support is cut to a window outside of which a
/// Chernoff bound leaves at most <c>tailMass</c>; the FFT is circular, so that outside mass folds
/// back into the window as extra (non-negative, hence pessimistic) mass, and the bound on the mass
/// above the window is added to the mass at +infinity. The result therefore still dominates.
/// </summary>
internal static class PldComposition
{
    public static PrivacyLossPmf Compose(IReadOnlyList<(PrivacyLossPmf Pmf, long Count)> parts, double tailMass)
    {
        var interval = parts[0].Pmf.Interval;
        var logNoInfinity = 0.0;
        foreach (var (pmf, count) in parts)
        {
            logNoInfinity += count * AccurateMath.Log1p(-pmf.InfinityMass);
        }

        var infinityMass = -AccurateMath.Expm1(logNoInfinity);
        if (parts.Count == 1 && parts[0].Count == 1)
        {
            return parts[0].Pmf;
        }

        var (low, high, aboveHigh) = Window(parts, tailMass);
        if (high - low + 1 > PldLimits.MaxComposedPoints)
        {
            throw new GridTooFineException(high - low + 1, PldLimits.MaxComposedPoints);
        }

        var size = Fft.NextPowerOfTwo(high - low + 1);

        // Each part's transform raised to its count, accumulated as log-magnitude and phase (in
        // turns) so that powers in the millions neither overflow nor need repeated products.
        var logMagnitude = new double[size];
        var turns = new double[size];
        long offset = 0;
        var buffer = new Complex[size];
        foreach (var (pmf, count) in parts)
        {
            Array.Clear(buffer);
            for (var i = 0; i < pmf.Masses.Length; i++)
            {
                buffer[i % size] += pmf.Masses[i];
            }

            Fft.Forward(buffer);
            for (var f = 0; f < size; f++)
            {
                var z = buffer[f];
                logMagnitude[f] += z == Complex.Zero ? double.NegativeInfinity : count * Math.Log(z.Magnitude);
                turns[f] = Fraction(turns[f] + count * (z.Phase / (2 * Math.PI)));
            }

            offset += count * pmf.FirstIndex;
        }

        AccurateLowFrequencies.Refine(parts, logMagnitude, turns);
        var product = new Complex[size];
        for (var f = 0; f < size; f++)
        {
            product[f] = logMagnitude[f] < -745
                ? Complex.Zero
                : Complex.FromPolarCoordinates(Math.Exp(logMagnitude[f]), 2 * Math.PI * turns[f]);
        }

        Fft.Inverse(product);
        // Circular slot p holds the mass of composed indices j = p + offset (mod size); place it at
        // the j that lies in [low, low + size).
        var masses = new double[size];
        var shift = (int)Modulo(offset - low, size);
        // Rounding leaves values of either sign around 1e-17; negatives are set to 0, which only
        // adds mass (a conservative choice: left as they are they can pull delta below the truth).
        for (var p = 0; p < size; p++)
        {
            masses[(p + shift) % size] = Math.Max(0, product[p].Real);
        }

        if (!double.IsFinite(masses.Sum()))
        {
            throw new ArithmeticException("The composed privacy loss distribution is not finite.");
        }

        return new PrivacyLossPmf(interval, low, masses, Math.Min(1, infinityMass + aboveHigh));
    }

    /// <summary>
    /// Indices [low, high] of the composed grid holding all but tailMass of the finite mass on each
    /// side (Chernoff: P(S &gt;= s) &lt;= E[e^(t S)] e^(-t s)), and the bound on the mass above high.
    /// </summary>
    private static (long Low, long High, double AboveHigh) Window(IReadOnlyList<(PrivacyLossPmf Pmf, long Count)> parts, double tailMass)
    {
        long lowest = 0, highest = 0;
        foreach (var (pmf, count) in parts)
        {
            lowest += count * pmf.FirstIndex;
            highest += count * pmf.LastIndex;
        }

        var logTail = Math.Log(tailMass);
        double bestHigh = highest, bestLow = lowest;
        for (var e = -12; e <= 12; e++)
        {
            // t in units of 1/loss; per grid index the exponent is t * Interval * index.
            var t = Math.Pow(2, e) * parts[0].Pmf.Interval;
            double logMgfUp = 0, logMgfDown = 0;
            foreach (var (pmf, count) in parts)
            {
                logMgfUp += count * LogMgf(pmf, t);
                logMgfDown += count * LogMgf(pmf, -t);
            }

            bestHigh = Math.Min(bestHigh, (logMgfUp - logTail) / t);
            bestLow = Math.Max(bestLow, -(logMgfDown - logTail) / t);
        }

        var high = (long)Math.Min(highest, Math.Ceiling(bestHigh));
        var low = (long)Math.Max(lowest, Math.Floor(bestLow));
        var aboveHigh = high >= highest ? 0 : tailMass;
        return (low, Math.Max(high, low), aboveHigh);
    }

    /// <summary>
    /// log sum_i m_i e^(t k_i) over the finite masses. The sum is taken from the end where the
    /// exponent is largest, relative to it, multiplying by e^(-|t|) per index: one exp per call
    /// instead of one per mass, and no overflow.
    /// </summary>
    private static double LogMgf(PrivacyLossPmf pmf, double t)
    {
        var masses = pmf.Masses;
        var step = Math.Exp(-Math.Abs(t));
        double sum = 0, weight = 1;
        int start = t >= 0 ? masses.Length - 1 : 0, direction = t >= 0 ? -1 : 1;
        var top = -1;
        for (var i = start; i >= 0 && i < masses.Length; i += direction)
        {
            if (top < 0)
            {
                if (masses[i] <= 0)
                {
                    continue;
                }

                top = i;
            }

            sum += masses[i] * weight;
            weight *= step;
            if (weight == 0)
            {
                break;
            }
        }

        return top < 0 ? double.NegativeInfinity : t * (pmf.FirstIndex + top) + Math.Log(sum);
    }

    private static long Modulo(long value, long modulus) => ((value % modulus) + modulus) % modulus;

    private static double Fraction(double value) => value - Math.Floor(value);
}

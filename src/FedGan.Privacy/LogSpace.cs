namespace FedGan.Privacy;

/// <summary>
/// Sums and differences of numbers held as their logarithms, so that terms like e^800 or e^-800
/// that occur in Renyi and privacy-loss sums neither overflow nor vanish.
/// </summary>
internal static class LogSpace
{
    /// <summary>log(e^a + e^b).</summary>
    public static double Add(double logA, double logB)
    {
        var (low, high) = logA < logB ? (logA, logB) : (logB, logA);
        if (double.IsNegativeInfinity(low))
        {
            return high;
        }

        return high + AccurateMath.Log1p(Math.Exp(low - high));
    }

    /// <summary>log(e^a - e^b) for a >= b.</summary>
    public static double Subtract(double logA, double logB)
    {
        if (logA < logB)
        {
            throw new ArithmeticException("A log-space difference would be negative.");
        }

        if (double.IsNegativeInfinity(logB))
        {
            return logA;
        }

        if (logA == logB)
        {
            return double.NegativeInfinity;
        }

        var gap = logA - logB;
        // For large gaps expm1 overflows, but then e^b is negligible next to e^a.
        return gap > 700 ? logA : Math.Log(AccurateMath.Expm1(gap)) + logB;
    }
}

using System.Numerics;

namespace FedGan.Privacy;

/// <summary>
/// Recomputes, to near full relative precision, the transform values that survive being raised to
/// large powers. An FFT value near 1 carries an absolute rounding error of ~1e-15; raised to the
/// power T its relative error becomes T * 1e-15, which after the inverse transform spreads as
/// spurious mass of order 1e-9 over the whole grid at T = 1e6 and inflates epsilon at small delta.
/// Here log X_f is taken as log m + log1p(D_f / m) with D_f = sum p_i (e^(-i phi_i) - 1) computed
/// term by term (each phase reduced exactly in integers), and the phase of the shift to the
/// distribution's centre is kept exact modulo N, so the error no longer grows with T.
/// </summary>
internal static class AccurateLowFrequencies
{
    /// <summary>A frequency whose composed magnitude is below e^-45 (3e-20) moves no mass that matters at any useful delta.</summary>
    private const double NegligibleLogMagnitude = -45;

    /// <summary>Powers below this lose too little precision to be worth the direct sums.</summary>
    private const long MinimumTotalCount = 16;

    private const int MaxFrequencies = 8192;

    public static void Refine(IReadOnlyList<(PrivacyLossPmf Pmf, long Count)> parts, double[] logMagnitude, double[] turns)
    {
        if (parts.Sum(p => p.Count) < MinimumTotalCount)
        {
            return;
        }

        var size = logMagnitude.Length;
        var frequencies = Enumerable.Range(0, size).Where(f => logMagnitude[f] > NegligibleLogMagnitude).ToArray();
        if (frequencies.Length > MaxFrequencies)
        {
            return; // A spread this narrow comes with few steps per part; the FFT values suffice.
        }

        var centres = parts.Select(p => Centre(p.Pmf)).ToArray();
        Parallel.ForEach(frequencies, f =>
        {
            double logSum = 0, turnSum = 0;
            for (var k = 0; k < parts.Count; k++)
            {
                var (pmf, count) = parts[k];
                var (logY, argY) = LogShiftedTransform(pmf.Masses, centres[k], f, size);
                logSum += count * logY;
                // X_f = e^(-2 pi i f c / N) Y_f: the shift's phase, count times, exactly in integers.
                var shiftTurns = (double)MultiplyModulo(MultiplyModulo(count, centres[k], size), f, size) / size;
                turnSum += -shiftTurns + count * argY / (2 * Math.PI);
                turnSum -= Math.Floor(turnSum);
            }

            logMagnitude[f] = logSum;
            turns[f] = turnSum;
        });
    }

    /// <summary>log|Y_f| and arg Y_f for Y_f = sum_i p_i e^(-2 pi i f (i - c) / N).</summary>
    private static (double LogMagnitude, double Argument) LogShiftedTransform(double[] masses, long centre, int f, int size)
    {
        double total = 0, re = 0, im = 0;
        for (var i = 0; i < masses.Length; i++)
        {
            var p = masses[i];
            if (p == 0)
            {
                continue;
            }

            total += p;
            // phi = 2 pi ((f (i - c)) mod N) / N, reduced to (-pi, pi] before any rounding.
            var reduced = Modulo((long)f * (i - centre), size);
            if (reduced > size / 2)
            {
                reduced -= size;
            }

            var (sinHalf, cosHalf) = Math.SinCos(Math.PI * reduced / size);
            re -= 2 * p * sinHalf * sinHalf;     // p (cos phi - 1) = -2 p sin^2(phi/2)
            im -= 2 * p * sinHalf * cosHalf;     // p (-sin phi)
        }

        var wr = re / total;
        var wi = im / total;
        // log(1 + w) for small complex w without cancellation.
        var logMagnitude = Math.Log(total) + 0.5 * AccurateMath.Log1p(2 * wr + wr * wr + wi * wi);
        return (logMagnitude, Math.Atan2(wi, 1 + wr));
    }

    /// <summary>The mass-weighted mean position in the array, rounded: phases are small around it.</summary>
    private static long Centre(PrivacyLossPmf pmf)
    {
        double total = 0, moment = 0;
        for (var i = 0; i < pmf.Masses.Length; i++)
        {
            total += pmf.Masses[i];
            moment += pmf.Masses[i] * i;
        }

        return total > 0 ? (long)Math.Round(moment / total) : 0;
    }

    private static long MultiplyModulo(long a, long b, long modulus) => Modulo(Modulo(a, modulus) * Modulo(b, modulus), modulus);

    private static long Modulo(long value, long modulus) => ((value % modulus) + modulus) % modulus;
}

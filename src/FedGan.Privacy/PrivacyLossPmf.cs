namespace FedGan.Privacy;

/// <summary>
/// A privacy loss distribution on the grid {k * Interval}: mass Masses[i] at loss
/// (FirstIndex + i) * Interval, plus InfinityMass at +infinity. Every PMF built in this library
/// dominates the true one (its hockey-stick curve lies on or above the true curve for every
/// epsilon), so the epsilon read from it is an upper bound.
/// </summary>
internal sealed class PrivacyLossPmf(double interval, long firstIndex, double[] masses, double infinityMass)
{
    public double Interval { get; } = interval;

    public long FirstIndex { get; } = firstIndex;

    public double[] Masses { get; } = masses;

    public double InfinityMass { get; } = infinityMass;

    public long LastIndex => FirstIndex + Masses.Length - 1;

    /// <summary>
    /// The smallest epsilon &gt;= 0 with delta(epsilon) &lt;= <paramref name="delta"/>, where
    /// delta(eps) = InfinityMass + sum over losses l &gt; eps of mass(l) (1 - e^(eps - l)).
    /// Between grid points delta is exactly A - C e^eps, so the crossing is solved in closed form
    /// rather than rounded up to the grid.
    /// </summary>
    public double EpsilonForDelta(double delta)
    {
        if (InfinityMass >= delta)
        {
            return double.PositiveInfinity;
        }

        var decay = Math.Exp(-Interval);
        // a = InfinityMass + sum_{j>k} m_j ; c = sum_{j>k} m_j e^{(k-j) Interval}; delta(l_k) = a - c.
        double a = InfinityMass, c = 0;
        for (var i = Masses.Length - 1; i >= -1; i--)
        {
            var loss = (FirstIndex + i) * Interval;
            if (i < Masses.Length - 1)
            {
                var above = Masses[i + 1];
                a += above;
                c = (c + above) * decay;
            }

            if (a - c > delta)
            {
                // delta(eps) = a - c e^(eps - loss) on [loss, loss + Interval]; it crosses delta there.
                return Math.Max(0, loss + Math.Log((a - delta) / c));
            }

            if (loss <= 0)
            {
                return 0; // delta(loss) <= delta already at a loss <= 0.
            }
        }

        // Below the grid delta(eps) = a - c e^(eps - l) with l one interval under the first point.
        var belowGrid = (FirstIndex - 1) * Interval;
        return a <= delta ? 0 : Math.Max(0, belowGrid + Math.Log((a - delta) / c));
    }
}

namespace FedGan.Privacy;

/// <summary>Which neighbouring dataset is the larger one: the privacy loss is not symmetric under subsampling.</summary>
internal enum Neighbour
{
    /// <summary>P = (1-q) N(0, s^2) + q N(1, s^2) (the record is present), Q = N(0, s^2).</summary>
    Remove,

    /// <summary>P = N(0, s^2), Q = (1-q) N(0, s^2) + q N(1, s^2).</summary>
    Add,
}

/// <summary>
/// One step of the Poisson-subsampled Gaussian mechanism as a discrete privacy loss distribution,
/// discretised by "connecting the dots" (Doroshenko, Ghazi, Kamath, Kumar, Manurangsi 2022,
/// "Connect the Dots: Tighter Discrete Approximations of Privacy Loss Distributions"): the mass of
/// P on each loss interval (l_k, l_k+1] is split between the two ends so that E[e^-L] is kept,
/// which makes the discrete hockey-stick curve the chord of the true, convex one. The result
/// dominates the true PLD (so composition stays an upper bound) yet, unlike rounding every loss up,
/// does not drift by half an interval per composed step.
/// Tails: the P-mass beyond [x_lo, x_hi] with P(outside) &lt;= tailMass goes to +infinity (upper
/// end) or to the lowest grid point (lower end); both only raise the curve.
/// </summary>
internal static class SubsampledGaussianPld
{
    public static PrivacyLossPmf Discretize(double sigma, double q, Neighbour neighbour, double interval, double tailMass)
    {
        var shape = new MixtureShape(sigma, q);
        // P(Z > z) <= e^(-z^2/2) / 2 for z >= 0 gives a z whose tail is at most tailMass / 2.
        var z = Math.Sqrt(2 * Math.Log(1 / tailMass));
        double lowestLoss, highestLoss;
        if (neighbour == Neighbour.Remove)
        {
            lowestLoss = shape.Loss(-sigma * z);
            highestLoss = shape.Loss(1 + sigma * z);
        }
        else
        {
            lowestLoss = -shape.Loss(sigma * z);
            highestLoss = -shape.Loss(-sigma * z);
        }

        var first = (long)Math.Floor(lowestLoss / interval);
        var last = Math.Max(first + 1, (long)Math.Ceiling(highestLoss / interval));
        if (last - first > PldLimits.MaxSingleStepPoints)
        {
            throw new GridTooFineException(last - first, PldLimits.MaxSingleStepPoints);
        }

        var points = (int)(last - first + 1);
        var edges = new EdgeTails[points];
        for (var i = 0; i < points; i++)
        {
            var loss = (first + i) * interval;
            edges[i] = new EdgeTails(shape, neighbour == Neighbour.Remove ? shape.InverseLoss(loss) : shape.InverseLoss(-loss));
        }

        var masses = new double[points];
        var splitDenominator = -AccurateMath.Expm1(-interval);
        for (var i = 0; i + 1 < points; i++)
        {
            // Remove: loss in (l_i, l_i+1] <=> x in (X(l_i), X(l_i+1)]. Add: loss = -Loss(x), so x in [X(-l_i+1), X(-l_i)).
            var (lowX, highX) = neighbour == Neighbour.Remove ? (edges[i], edges[i + 1]) : (edges[i + 1], edges[i]);
            var mixture = EdgeTails.MixtureMass(lowX, highX, q);
            var central = EdgeTails.CentralMass(lowX, highX);
            var (p, qMass) = neighbour == Neighbour.Remove ? (mixture, central) : (central, mixture);
            var loss = (first + i) * interval;
            // Share of the interval's mass moved to the upper end: E_P[1 - e^(l_i - L)] / (1 - e^-interval).
            // e^l * Q-mass in one exponent: e^l alone overflows for the huge losses of tiny noise.
            var scaledQ = qMass > 0 ? Math.Exp(loss + Math.Log(qMass)) : 0;
            var up = Math.Clamp((p - scaledQ) / splitDenominator, 0, p);
            masses[i + 1] += up;
            masses[i] += p - up;
        }

        double below, above;
        if (neighbour == Neighbour.Remove)
        {
            below = edges[0].MixtureBelow(q);
            above = edges[^1].MixtureAbove(q);
        }
        else
        {
            below = edges[0].CentralAbove;
            above = edges[^1].CentralBelow;
        }

        masses[0] += below;
        if (!double.IsFinite(masses.Sum()) || !double.IsFinite(above))
        {
            // A NaN would read as "no privacy loss"; refuse rather than under-report.
            throw new ArithmeticException($"The privacy loss distribution for noise {sigma} and rate {q} is not finite.");
        }

        return new PrivacyLossPmf(interval, first, masses, above);
    }

    /// <summary>sigma and q of the mixture, with the loss log(mu(x)/mu0(x)) and its inverse.</summary>
    private readonly record struct MixtureShape(double Sigma, double Q)
    {
        private double LogQ => Math.Log(Q);

        private double LogOneMinusQ => AccurateMath.Log1p(-Q);

        /// <summary>log(1 - q + q e^((2x-1)/(2 sigma^2))), increasing in x.</summary>
        public double Loss(double x) => LogSpace.Add(LogOneMinusQ, LogQ + (2 * x - 1) / (2 * Sigma * Sigma));

        /// <summary>The x at which <see cref="Loss"/> equals <paramref name="loss"/>; -infinity at or below log(1-q).</summary>
        public double InverseLoss(double loss) =>
            loss <= LogOneMinusQ
                ? double.NegativeInfinity
                : Sigma * Sigma * (LogSpace.Subtract(loss, LogOneMinusQ) - LogQ) + 0.5;
    }

    /// <summary>
    /// The normal tails at one x, for both mixture components: every interval mass is then
    /// a difference of tails taken on the side where both are small, keeping relative precision.
    /// </summary>
    private readonly struct EdgeTails
    {
        private readonly double centralAbove, centralBelow, shiftedAbove, shiftedBelow;

        public EdgeTails(MixtureShape shape, double x)
        {
            var t0 = x / shape.Sigma;
            var t1 = (x - 1) / shape.Sigma;
            (centralAbove, centralBelow) = Tails(t0);
            (shiftedAbove, shiftedBelow) = Tails(t1);
            CentralArgument = t0;
            ShiftedArgument = t1;
        }

        /// <summary>P(Z &gt; t) and P(Z &lt;= t) from one tail evaluation: the small one is exact, the other is 1 minus it.</summary>
        private static (double Above, double Below) Tails(double t)
        {
            var small = ErrorFunction.NormalSurvival(Math.Abs(t));
            return t >= 0 ? (small, 1 - small) : (1 - small, small);
        }

        private double CentralArgument { get; }

        private double ShiftedArgument { get; }

        public double CentralAbove => centralAbove;

        public double CentralBelow => centralBelow;

        public double MixtureAbove(double q) => (1 - q) * centralAbove + q * shiftedAbove;

        public double MixtureBelow(double q) => (1 - q) * centralBelow + q * shiftedBelow;

        /// <summary>N(0, s^2) mass between two edges.</summary>
        public static double CentralMass(EdgeTails low, EdgeTails high) =>
            Interval(low.CentralArgument, high.CentralArgument, low.centralAbove, high.centralAbove, low.centralBelow, high.centralBelow);

        /// <summary>(1-q) N(0, s^2) + q N(1, s^2) mass between two edges.</summary>
        public static double MixtureMass(EdgeTails low, EdgeTails high, double q) =>
            (1 - q) * CentralMass(low, high)
            + q * Interval(low.ShiftedArgument, high.ShiftedArgument, low.shiftedAbove, high.shiftedAbove, low.shiftedBelow, high.shiftedBelow);

        private static double Interval(double a, double b, double aboveA, double aboveB, double belowA, double belowB)
        {
            if (!(a < b))
            {
                return 0;
            }

            if (a >= 0)
            {
                return Math.Max(0, aboveA - aboveB);
            }

            return b <= 0 ? Math.Max(0, belowB - belowA) : Math.Max(0, 1 - belowA - aboveB);
        }
    }
}

namespace FedGan.Privacy;

/// <summary>
/// The complementary error function and the normal tail, to about 1e-15 relative error over the
/// whole line, and their logarithms without underflow (log erfc(40) = -1604.0...). .NET has no
/// erfc; the accountants need it far in the tails, where 1 - erf(x) is useless.
/// </summary>
internal static class ErrorFunction
{
    private const double SeriesLimit = 1.0;
    private const double AnchorStart = 0.5;
    private const double AnchorStep = 0.0625;
    private const double AnchorEnd = 6.5;
    private static readonly double LogSqrtPi = 0.5 * Math.Log(Math.PI);
    private static readonly double TwoOverSqrtPi = 2 / Math.Sqrt(Math.PI);

    // erfc and e^(-a^2) at a = 0.5, 0.5625, ..., 6.5, from the slow exact routines once.
    private static readonly double[] AnchorErfc = Anchors(a => a < SeriesLimit ? 1 - ErfSmall(a) : Math.Exp(-a * a - LogSqrtPi - Math.Log(LaplaceFraction(a))));
    private static readonly double[] AnchorGauss = Anchors(a => Math.Exp(-a * a));
    private static readonly double[] Reciprocals = Enumerable.Range(0, 64).Select(k => k == 0 ? 0 : 1.0 / k).ToArray();

    public static double Erfc(double x)
    {
        if (double.IsNaN(x) || double.IsInfinity(x))
        {
            return double.IsNaN(x) ? double.NaN : x > 0 ? 0 : 2;
        }

        if (x < 0)
        {
            return 2 - Erfc(-x);
        }

        if (x < AnchorStart)
        {
            return 1 - ErfSmall(x);
        }

        if (x < AnchorEnd)
        {
            return TaylorFromAnchor(x);
        }

        // e^(-x^2) from the rounded square and its exact rounding error, multiplied rather than
        // added in the exponent, where the error would be rounded away again.
        var square = x * x;
        var squareError = Math.FusedMultiplyAdd(x, x, -square);
        return Math.Exp(-square) * Math.Exp(-squareError - LogSqrtPi - Math.Log(LaplaceFraction(x)));
    }

    public static double LogErfc(double x)
    {
        if (double.IsNaN(x) || double.IsPositiveInfinity(x))
        {
            return double.IsNaN(x) ? double.NaN : double.NegativeInfinity;
        }

        // Below AnchorEnd erfc(x) > 1e-19, far from underflow.
        return x < AnchorEnd ? Math.Log(Erfc(x)) : LogErfcFar(x);
    }

    /// <summary>P(Z &gt; z) for a standard normal Z.</summary>
    public static double NormalSurvival(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    /// <summary>P(Z &lt;= z) for a standard normal Z, accurate in the lower tail.</summary>
    public static double NormalCdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>
    /// P(a &lt; Z &lt;= b) for a standard normal Z, computed from the tail each end lies in so a
    /// small interval far out keeps its relative precision.
    /// </summary>
    public static double NormalInterval(double a, double b)
    {
        if (!(a < b))
        {
            return 0;
        }

        if (a >= 0)
        {
            return NormalSurvival(a) - NormalSurvival(b);
        }

        if (b <= 0)
        {
            return NormalSurvival(-b) - NormalSurvival(-a);
        }

        return 1 - NormalSurvival(-a) - NormalSurvival(b);
    }

    /// <summary>
    /// erfc(a + h) = erfc(a) - (2/sqrt(pi)) e^(-a^2) sum_{n>=1} (-1)^(n-1) H_(n-1)(a) h^n / n!
    /// (Hermite polynomials H, from d^n/dx^n e^(-x^2) = (-1)^n H_n(x) e^(-x^2)) around the nearest
    /// anchor, |h| &lt;= 1/32. Every term is relative to e^(-a^2), so relative precision holds far
    /// out, and ~10 terms replace the hundreds the continued fraction needs near x = 1.
    /// </summary>
    private static double TaylorFromAnchor(double x)
    {
        var k = (int)Math.Round((x - AnchorStart) / AnchorStep);
        var a = AnchorStart + k * AnchorStep;
        var h = x - a;
        double hermitePrevious = 0, hermite = 1; // H_(n-2), H_(n-1)
        double power = h;                        // (-1)^(n-1) h^n / n!
        var sum = 0.0;
        for (var n = 1; n < 60; n++)
        {
            var term = hermite * power;
            sum += term;
            if (Math.Abs(term) <= 1e-17 * Math.Abs(sum))
            {
                break;
            }

            (hermitePrevious, hermite) = (hermite, 2 * a * hermite - 2 * (n - 1) * hermitePrevious);
            power *= -h * Reciprocals[n + 1];
        }

        return AnchorErfc[k] - TwoOverSqrtPi * AnchorGauss[k] * sum;
    }

    /// <summary>log erfc(x) = -x^2 - log(sqrt(pi) * fraction) for large x, where erfc itself underflows.</summary>
    private static double LogErfcFar(double x) => -x * x - LogSqrtPi - Math.Log(LaplaceFraction(x));

    private static double[] Anchors(Func<double, double> value)
    {
        var count = (int)Math.Round((AnchorEnd - AnchorStart) / AnchorStep) + 1;
        return Enumerable.Range(0, count).Select(k => value(AnchorStart + k * AnchorStep)).ToArray();
    }

    /// <summary>
    /// erf(x) = 2x/sqrt(pi) e^(-x^2) sum (2x^2)^n / (1*3*...*(2n+1)): every term is positive, so
    /// the sum has no cancellation for 0 &lt;= x &lt; 1.
    /// </summary>
    private static double ErfSmall(double x)
    {
        var twoXSquared = 2 * x * x;
        double term = 1, sum = 1;
        for (var n = 1; term > 1e-17 * sum; n++)
        {
            term *= twoXSquared / (2 * n + 1);
            sum += term;
        }

        return TwoOverSqrtPi * x * Math.Exp(-x * x) * sum;
    }

    /// <summary>
    /// The continued fraction x + (1/2)/(x + (2/2)/(x + (3/2)/(x + ...))), equal to
    /// e^(-x^2) / (sqrt(pi) erfc(x)), evaluated by the modified Lentz method; converges for x &gt;= 1
    /// in under 200 terms.
    /// </summary>
    private static double LaplaceFraction(double x)
    {
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (var n = 1; n < 10_000; n++)
        {
            var a = n / 2.0;
            d = x + a * d;
            d = d == 0 ? 1 / tiny : 1 / d;
            c = x + a / c;
            if (c == 0)
            {
                c = tiny;
            }

            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return f;
    }
}

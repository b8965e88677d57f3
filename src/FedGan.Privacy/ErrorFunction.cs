namespace FedGan.Privacy;

/// <summary>
/// The complementary error function and the normal tail, to about 1e-15 relative error over the
/// whole line, and their logarithms without underflow (log erfc(40) = -1604.0...). .NET has no
/// erfc; the accountants need it far in the tails, where 1 - erf(x) is useless.
/// </summary>
internal static class ErrorFunction
{
    private const double SeriesLimit = 1.0;
    private static readonly double LogSqrtPi = 0.5 * Math.Log(Math.PI);
    private static readonly double TwoOverSqrtPi = 2 / Math.Sqrt(Math.PI);

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

        return x < SeriesLimit
            ? 1 - ErfSmall(x)
            : Math.Exp(-x * x - LogSqrtPi - Math.Log(LaplaceFraction(x)));
    }

    public static double LogErfc(double x)
    {
        if (double.IsNaN(x) || double.IsPositiveInfinity(x))
        {
            return double.IsNaN(x) ? double.NaN : double.NegativeInfinity;
        }

        if (x < SeriesLimit)
        {
            return x < 0 ? Math.Log(2 - Erfc(-x)) : Math.Log(1 - ErfSmall(x));
        }

        return -x * x - LogSqrtPi - Math.Log(LaplaceFraction(x));
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

namespace FedGan.Privacy.Tests;

/// <summary>
/// The exact privacy curve of T composed Gaussian mechanisms without subsampling (q = 1), an
/// independent reference: Balle and Wang (2018), "Improving the Gaussian Mechanism", Theorem 8,
/// delta(eps) = Phi(mu/2 - eps/mu) - e^eps Phi(-mu/2 - eps/mu) with mu = sqrt(T)/sigma.
/// Written here from the formula, with the normal tail from System.Math only via erfc below.
/// </summary>
internal static class AnalyticGaussian
{
    public static double Delta(double epsilon, double sigma, long steps)
    {
        var mu = Math.Sqrt(steps) / sigma;
        return NormalCdf(mu / 2 - epsilon / mu) - Math.Exp(epsilon) * NormalCdf(-mu / 2 - epsilon / mu);
    }

    /// <summary>The exact epsilon at delta, by bisection on the decreasing delta(eps).</summary>
    public static double Epsilon(double delta, double sigma, long steps)
    {
        double low = 0, high = 1;
        if (Delta(0, sigma, steps) <= delta)
        {
            return 0;
        }

        while (Delta(high, sigma, steps) > delta)
        {
            high *= 2;
        }

        for (var i = 0; i < 200 && high - low > 1e-13 * high; i++)
        {
            var middle = 0.5 * (low + high);
            if (Delta(middle, sigma, steps) > delta)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return high;
    }

    /// <summary>Phi(z) through the library's erfc, itself checked against mpmath in ErrorFunctionTests.</summary>
    private static double NormalCdf(double z) => ErrorFunction.NormalCdf(z);
}

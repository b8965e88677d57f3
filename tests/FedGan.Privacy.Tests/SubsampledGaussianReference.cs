namespace FedGan.Privacy.Tests;

/// <summary>
/// Independent slow references for the Poisson-subsampled Gaussian, written from the definitions
/// (not from the accountant's code): the exact one-step hockey-stick curve in closed form, and a
/// brute-force composition of PLDs rounded up (an upper bound) and down (a lower bound) on a fine
/// grid by direct convolution. Neighbours: remove, P = (1-q)N(0,s^2) + qN(1,s^2) vs Q = N(0,s^2);
/// add, the same pair swapped. Normal tails come from ErrorFunction, checked against mpmath.
/// </summary>
internal static class SubsampledGaussianReference
{
    public static double SingleStepDelta(double epsilon, double sigma, double q) =>
        Math.Max(RemoveDelta(epsilon, sigma, q), AddDelta(epsilon, sigma, q));

    public static double SingleStepEpsilon(double delta, double sigma, double q) =>
        Bisect(eps => SingleStepDelta(eps, sigma, q), delta);

    /// <summary>One step's epsilon for the add neighbour alone (Q = mixture, P = N(0, s^2)).</summary>
    public static double SingleStepAddEpsilon(double delta, double sigma, double q) =>
        Bisect(eps => AddDelta(eps, sigma, q), delta);

    /// <summary>(lower, upper) bounds on the epsilon of <paramref name="steps"/> composed steps.</summary>
    public static (double Lower, double Upper) ComposedEpsilonBounds(double delta, double sigma, double q, int steps, double grid)
    {
        double lower = 0, upper = 0;
        foreach (var remove in new[] { true, false })
        {
            var (low, high) = ComposedBounds(sigma, q, steps, grid, remove);
            lower = Math.Max(lower, Bisect(low.Delta, delta));
            upper = Math.Max(upper, Bisect(high.Delta, delta));
        }

        return (lower, upper);
    }

    private static double RemoveDelta(double epsilon, double sigma, double q)
    {
        // L(x) = log(1 - q + q e^((2x-1)/(2 s^2))) > eps  <=>  x > x_eps.
        var x = sigma * sigma * Math.Log((Math.Exp(epsilon) - (1 - q)) / q) + 0.5;
        var pAbove = (1 - q) * Above(x / sigma) + q * Above((x - 1) / sigma);
        return pAbove - Math.Exp(epsilon) * Above(x / sigma);
    }

    private static double AddDelta(double epsilon, double sigma, double q)
    {
        // L(x) = -log(1 - q + q e^((2x-1)/(2 s^2))) > eps  <=>  x < x_eps (none if e^-eps <= 1-q).
        var inner = Math.Exp(-epsilon) - (1 - q);
        if (inner <= 0)
        {
            return 0;
        }

        var x = sigma * sigma * Math.Log(inner / q) + 0.5;
        var qBelow = (1 - q) * Below(x / sigma) + q * Below((x - 1) / sigma);
        return Below(x / sigma) - Math.Exp(epsilon) * qBelow;
    }

    /// <summary>P(L &lt;= l) under P for the chosen neighbour.</summary>
    private static double LossCdf(double loss, double sigma, double q, bool remove)
    {
        if (remove)
        {
            var inner = Math.Exp(loss) - (1 - q);
            if (inner <= 0)
            {
                return 0;
            }

            var x = sigma * sigma * Math.Log(inner / q) + 0.5;
            return (1 - q) * Below(x / sigma) + q * Below((x - 1) / sigma);
        }

        var innerAdd = Math.Exp(-loss) - (1 - q);
        if (innerAdd <= 0)
        {
            return 1;
        }

        return Above((sigma * sigma * Math.Log(innerAdd / q) + 0.5) / sigma);
    }

    private static (Pld Low, Pld High) ComposedBounds(double sigma, double q, int steps, double grid, bool remove)
    {
        // Grid just wide enough that the CDF is below 1e-18 / above 1 - 1e-18 outside it.
        var first = -Reach(k => LossCdf(-k * grid, sigma, q, remove) <= 1e-18);
        var last = Reach(k => 1 - LossCdf(k * grid, sigma, q, remove) <= 1e-18);

        var cdf = Enumerable.Range(first, last - first + 1).Select(k => LossCdf(k * grid, sigma, q, remove)).ToArray();
        var up = new double[cdf.Length];
        var down = new double[cdf.Length];
        up[0] = cdf[0];
        for (var i = 1; i < cdf.Length; i++)
        {
            up[i] = cdf[i] - cdf[i - 1];       // (l_i-1, l_i] rounded up to l_i
            down[i - 1] = cdf[i] - cdf[i - 1]; // [l_i-1, l_i) rounded down to l_i-1
        }

        down[^1] += 1 - cdf[^1];               // above the grid, rounded down to its top
        var high = new Pld(grid, first, up, 1 - cdf[^1]);
        var low = new Pld(grid, first, down, 0); // below the grid dropped to -infinity
        Pld composedHigh = high, composedLow = low;
        for (var s = 1; s < steps; s++)
        {
            composedHigh = composedHigh.Convolve(high);
            composedLow = composedLow.Convolve(low);
        }

        return (composedLow, composedHigh);
    }

    private sealed record Pld(double Grid, int First, double[] Masses, double Infinity)
    {
        public Pld Convolve(Pld other)
        {
            var result = new double[Masses.Length + other.Masses.Length - 1];
            for (var i = 0; i < Masses.Length; i++)
            {
                for (var j = 0; j < other.Masses.Length; j++)
                {
                    result[i + j] += Masses[i] * other.Masses[j];
                }
            }

            return new Pld(Grid, First + other.First, result, 1 - (1 - Infinity) * (1 - other.Infinity));
        }

        public double Delta(double epsilon)
        {
            var delta = Infinity;
            for (var i = 0; i < Masses.Length; i++)
            {
                var loss = (First + i) * Grid;
                if (loss > epsilon)
                {
                    delta += Masses[i] * (1 - Math.Exp(epsilon - loss));
                }
            }

            return delta;
        }
    }

    /// <summary>The smallest k &gt;= 1 with done(k), for done monotone in k.</summary>
    private static int Reach(Func<int, bool> done)
    {
        var high = 1;
        while (!done(high))
        {
            high *= 2;
        }

        var low = high / 2;
        while (high - low > 1)
        {
            var middle = (low + high) / 2;
            if (done(middle))
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

    /// <summary>The smallest eps in [0, 200] with curve(eps) &lt;= delta, curve non-increasing.</summary>
    private static double Bisect(Func<double, double> curve, double delta)
    {
        if (curve(0) <= delta)
        {
            return 0;
        }

        double low = 0, high = 200;
        for (var i = 0; i < 100; i++)
        {
            var middle = 0.5 * (low + high);
            if (curve(middle) > delta)
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

    private static double Above(double z) => ErrorFunction.NormalSurvival(z);

    private static double Below(double z) => ErrorFunction.NormalCdf(z);
}

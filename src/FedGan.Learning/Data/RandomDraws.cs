namespace FedGan.Learning.Data;

/// <summary>Distributions the partitioner and the acquisition shift draw from, on a seeded <see cref="Random"/>.</summary>
internal static class RandomDraws
{
    public static void Shuffle<T>(Random random, IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Standard normal by Box-Muller; 1 - NextDouble() keeps the logarithm's argument in (0,1].</summary>
    public static double StandardNormal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>
    /// A symmetric Dirichlet(alpha, ..., alpha) draw over <paramref name="k"/> components.
    /// Gamma variates are kept as logarithms: for alpha around 0.01 they underflow double otherwise.
    /// </summary>
    public static double[] SymmetricDirichlet(Random random, double alpha, int k)
    {
        var logs = new double[k];
        for (var i = 0; i < k; i++)
            logs[i] = LogGamma(random, alpha);
        var max = logs.Max();
        var weights = logs.Select(l => Math.Exp(l - max)).ToArray();
        var sum = weights.Sum();
        return weights.Select(w => w / sum).ToArray();
    }

    /// <summary>
    /// Log of a Gamma(shape, 1) variate: Marsaglia and Tsang (2000) for shape >= 1, and for shape &lt; 1
    /// their boost Gamma(shape) = Gamma(shape + 1) * U^(1/shape).
    /// </summary>
    private static double LogGamma(Random random, double shape)
    {
        if (shape < 1.0)
        {
            var u = 1.0 - random.NextDouble();
            return LogGamma(random, shape + 1.0) + Math.Log(u) / shape;
        }
        var d = shape - 1.0 / 3.0;
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = StandardNormal(random);
                v = 1.0 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = 1.0 - random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v))
                return Math.Log(d * v);
        }
    }
}

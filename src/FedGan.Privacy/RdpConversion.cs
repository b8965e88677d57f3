namespace FedGan.Privacy;

/// <summary>
/// Converts Renyi DP curves to (epsilon, delta) with the improved bound of Balle et al. (2020),
/// "Hypothesis Testing Interpretations and Renyi Differential Privacy", Theorem 21:
/// epsilon = rdp + log((alpha-1)/alpha) - (log delta + log alpha) / (alpha - 1), minimised over the
/// orders, as in Opacus' get_privacy_spent and dp_accounting's compute_epsilon.
/// </summary>
public static class RdpConversion
{
    public static (double Epsilon, double Order) ToEpsilon(IReadOnlyList<double> orders, IReadOnlyList<double> rdp, double delta)
    {
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(rdp);
        PrivacyArguments.RequireDelta(delta);
        if (orders.Count == 0 || orders.Count != rdp.Count)
        {
            throw new ArgumentException("Orders and RDP values must be non-empty and of the same length.");
        }

        var bestEpsilon = double.PositiveInfinity;
        var bestOrder = orders[0];
        for (var i = 0; i < orders.Count; i++)
        {
            var epsilon = EpsilonAtOrder(orders[i], rdp[i], delta);
            if (epsilon < bestEpsilon)
            {
                bestEpsilon = epsilon;
                bestOrder = orders[i];
            }
        }

        return (Math.Max(0, bestEpsilon), bestOrder);
    }

    private static double EpsilonAtOrder(double alpha, double rdp, double delta)
    {
        if (rdp < 0 || double.IsNaN(rdp))
        {
            throw PrivacyArguments.OutOfRange(nameof(rdp), rdp, "A Renyi divergence must be >= 0.");
        }

        // If even the KL divergence (<= RDP at any order > 1) gives delta >= sqrt(1 - e^-KL),
        // epsilon = 0 already holds (Pinsker-type bound used by dp_accounting).
        if (delta * delta + AccurateMath.Expm1(-rdp) > 0)
        {
            return 0;
        }

        // The bound is numerically unstable as alpha -> 1 and never the minimiser there.
        if (alpha <= 1.01)
        {
            return double.PositiveInfinity;
        }

        return rdp + AccurateMath.Log1p(-1 / alpha) - (Math.Log(delta) + Math.Log(alpha)) / (alpha - 1);
    }
}

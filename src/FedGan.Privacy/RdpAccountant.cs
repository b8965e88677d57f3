namespace FedGan.Privacy;

/// <summary>
/// Renyi DP accountant for Poisson-subsampled Gaussian steps: RDP is computed per order for each
/// block, added over blocks (RDP composes additively), and converted to the smallest epsilon over
/// the orders. Fast and always an upper bound; looser than the PLD accountant.
/// </summary>
public sealed class RdpAccountant : IPrivacyAccountant
{
    /// <summary>1.1 to 10.9 in steps of 0.1, 11 to 63, then 128, 256 and 512 (Opacus' orders plus 11 and three large ones).</summary>
    public static IReadOnlyList<double> DefaultOrders { get; } =
        [.. Enumerable.Range(1, 99).Select(x => 1 + x / 10.0), .. Enumerable.Range(11, 53).Select(x => (double)x), 128, 256, 512];

    private readonly double[] orders;

    public RdpAccountant(IEnumerable<double>? orders = null)
    {
        this.orders = (orders ?? DefaultOrders).ToArray();
        if (this.orders.Length == 0)
        {
            throw new ArgumentException("At least one Renyi order is needed.", nameof(orders));
        }

        foreach (var order in this.orders)
        {
            if (!(order > 1))
            {
                throw PrivacyArguments.OutOfRange(nameof(orders), order, "Every Renyi order must be greater than 1.");
            }
        }
    }

    public string Name => "rdp";

    public IReadOnlyList<double> Orders => orders;

    public PrivacySpent GetPrivacySpent(IReadOnlyList<GaussianMechanismSteps> history, double delta)
    {
        PrivacyArguments.RequireDelta(delta);
        var (epsilon, order) = RdpConversion.ToEpsilon(orders, ComputeRdp(history), delta);
        // No order bounds an infinite epsilon; reporting one would suggest otherwise.
        return new PrivacySpent(epsilon, delta, double.IsPositiveInfinity(epsilon) ? null : order);
    }

    /// <summary>The composed RDP of the history at each of <see cref="Orders"/>.</summary>
    public double[] ComputeRdp(IReadOnlyList<GaussianMechanismSteps> history)
    {
        PrivacyArguments.RequireHistory(history);
        var total = new double[orders.Length];
        // Blocks with the same noise and rate share one RDP curve: a history of many rounds often
        // repeats the same settings, and the curve is the costly part.
        foreach (var block in history.Where(b => !b.IsTrivial)
                     .GroupBy(b => (b.NoiseMultiplier, b.SamplingRate), b => b.Steps))
        {
            double steps = block.Sum();
            for (var i = 0; i < orders.Length; i++)
            {
                total[i] += steps * SampledGaussianRdp.Compute(block.Key.SamplingRate, block.Key.NoiseMultiplier, orders[i]);
            }
        }

        return total;
    }
}

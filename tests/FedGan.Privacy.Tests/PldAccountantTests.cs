namespace FedGan.Privacy.Tests;

public sealed class PldAccountantTests
{
    private readonly PldAccountant pld = new();
    private readonly RdpAccountant rdp = new();

    [Theory]
    [InlineData(0.7, 1, 1e-3)]
    [InlineData(0.7, 10, 1e-10)]
    [InlineData(1.0, 1000, 1e-6)]
    [InlineData(3.0, 10, 1e-6)]
    [InlineData(3.0, 1000, 1e-10)]
    [InlineData(20.0, 1000, 1e-6)]
    // Many steps at a tiny delta: FFT rounding raised to the 10,000th power once inflated this by 0.5%.
    [InlineData(100.0, 10_000, 1e-12)]
    public void Gaussian_epsilon_is_an_upper_bound_within_tolerance(double sigma, long steps, double delta)
    {
        // q = 1: the exact curve is known (Balle and Wang 2018); the accountant's stated tolerance
        // is 1e-3 relative (+1e-4 absolute) above the exact epsilon, never below it.
        var exact = AnalyticGaussian.Epsilon(delta, sigma, steps);
        var epsilon = pld.GetPrivacySpent([new(sigma, 1, steps)], delta).Epsilon;
        Assert.InRange(epsilon, exact, exact * (1 + 1e-3) + 1e-4);
    }

    [Theory]
    [InlineData(1.0, 0.01, 1e-5)]
    [InlineData(0.5, 0.2, 1e-3)]
    [InlineData(2.0, 0.5, 1e-6)]
    [InlineData(0.8, 0.001, 1e-8)]
    public void Single_subsampled_step_matches_its_closed_form(double sigma, double q, double delta)
    {
        var exact = SubsampledGaussianReference.SingleStepEpsilon(delta, sigma, q);
        var epsilon = pld.GetPrivacySpent([new(sigma, q, 1)], delta).Epsilon;
        Assert.InRange(epsilon, exact - 1e-9, exact * (1 + 1e-3) + 1e-4);
    }

    [Theory]
    [InlineData(1.5, 0.2, 1e-5)]
    [InlineData(1.0, 0.05, 1e-4)]
    public void Composed_subsampled_steps_lie_between_brute_force_bounds(double sigma, double q, double delta)
    {
        // Four steps composed by direct convolution of PLDs rounded down (lower bound) and up
        // (upper bound) on a 2e-3 grid: the accountant's epsilon must lie between them.
        var (lower, upper) = SubsampledGaussianReference.ComposedEpsilonBounds(delta, sigma, q, 4, 2e-3);
        var epsilon = pld.GetPrivacySpent([new(sigma, q, 4)], delta).Epsilon;
        Assert.InRange(epsilon, lower, upper);
        Assert.True(upper - lower < 0.05, $"reference bracket [{lower}, {upper}] too wide to test anything");
    }

    public static TheoryData<double, double, long> Grid()
    {
        var data = new TheoryData<double, double, long>();
        foreach (var sigma in new[] { 0.8, 2.0 })
        {
            foreach (var q in new[] { 0.004, 0.1 })
            {
                foreach (var steps in new long[] { 10, 3000 })
                {
                    data.Add(sigma, q, steps);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public void Tighter_than_rdp(double sigma, double q, long steps)
    {
        foreach (var delta in new[] { 1e-5, 1e-9 })
        {
            var tight = pld.GetPrivacySpent([new(sigma, q, steps)], delta).Epsilon;
            var loose = rdp.GetPrivacySpent([new(sigma, q, steps)], delta).Epsilon;
            Assert.True(tight <= loose, $"pld {tight} > rdp {loose} at delta {delta}");
        }
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public void More_steps_more_sampling_or_less_noise_never_lower_epsilon(double sigma, double q, long steps)
    {
        const double delta = 1e-6;
        var baseline = pld.GetPrivacySpent([new(sigma, q, steps)], delta).Epsilon;
        Assert.True(pld.GetPrivacySpent([new(sigma, q, steps + steps / 2)], delta).Epsilon >= baseline);
        Assert.True(pld.GetPrivacySpent([new(sigma, q * 1.5, steps)], delta).Epsilon >= baseline);
        Assert.True(pld.GetPrivacySpent([new(sigma * 0.9, q, steps)], delta).Epsilon >= baseline);
        Assert.True(pld.GetPrivacySpent([new(sigma, q, steps)], delta / 10).Epsilon >= baseline);
    }

    [Fact]
    public void Heterogeneous_history_sits_between_its_parts_and_rdp()
    {
        GaussianMechanismSteps[] history = [new(0.9, 0.02, 500), new(1.6, 0.05, 300), new(0.9, 0.02, 200)];
        var together = pld.GetPrivacySpent(history, 1e-6).Epsilon;
        var largestPart = pld.GetPrivacySpent([new(0.9, 0.02, 700)], 1e-6).Epsilon;
        Assert.True(together > largestPart);
        Assert.True(together <= rdp.GetPrivacySpent(history, 1e-6).Epsilon);
        // Order of the blocks does not matter to composition.
        Assert.Equal(together, pld.GetPrivacySpent([.. history.Reverse()], 1e-6).Epsilon, 1e-9);
    }

    [Fact]
    public void Tiny_noise_is_reported_as_a_huge_epsilon_not_as_none()
    {
        // sigma = 0.001: losses near 1/(2 sigma^2) = 5e5 overflow e^loss; this once read as epsilon 0.96.
        var epsilon = pld.GetPrivacySpent([new(0.001, 0.5, 1)], 1e-5).Epsilon;
        Assert.InRange(epsilon, 4.9e5, rdp.GetPrivacySpent([new(0.001, 0.5, 1)], 1e-5).Epsilon);
    }

    [Fact]
    public void Nothing_released_costs_nothing_and_no_noise_costs_everything()
    {
        Assert.Equal(new PrivacySpent(0, 1e-5, null), pld.GetPrivacySpent([], 1e-5));
        Assert.Equal(0, pld.GetPrivacySpent([new(1, 0, 1000), new(0, 0.3, 0)], 1e-5).Epsilon);
        Assert.True(double.IsPositiveInfinity(pld.GetPrivacySpent([new(0, 0.01, 1)], 1e-5).Epsilon));
        Assert.Equal("pld", pld.Name);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => pld.GetPrivacySpent([new(1, 0.1, 1)], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => pld.GetPrivacySpent([new(1, 0.1, 1)], 1));
        Assert.Throws<ArgumentNullException>(() => pld.GetPrivacySpent(null!, 1e-5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PldAccountant(-1e-3));
    }
}

namespace FedGan.Privacy.Tests;

public sealed class RdpAccountantTests
{
    private readonly RdpAccountant accountant = new();

    [Fact]
    public void Default_orders_cover_fractional_integer_and_large_orders()
    {
        var orders = RdpAccountant.DefaultOrders;
        Assert.Equal(1.1, orders[0], 12);
        Assert.Contains(2.5, orders);
        Assert.Contains(63.0, orders);
        Assert.Equal([128.0, 256.0, 512.0], orders.TakeLast(3));
    }

    [Fact]
    public void Nothing_released_costs_nothing()
    {
        Assert.Equal(0, accountant.GetPrivacySpent([], 1e-5).Epsilon);
        Assert.Equal(0, accountant.GetPrivacySpent([new(1, 0, 1000)], 1e-5).Epsilon);
        Assert.Equal(0, accountant.GetPrivacySpent([new(0, 0.5, 0)], 1e-5).Epsilon);
    }

    [Fact]
    public void No_noise_gives_infinite_epsilon()
    {
        Assert.True(double.IsPositiveInfinity(accountant.GetPrivacySpent([new(0, 0.01, 1)], 1e-5).Epsilon));
    }

    [Fact]
    public void Blocks_compose_like_one_block_of_their_total_steps()
    {
        var split = accountant.GetPrivacySpent([new(1.1, 0.01, 300), new(1.1, 0.01, 700)], 1e-5);
        var whole = accountant.GetPrivacySpent([new(1.1, 0.01, 1000)], 1e-5);
        Assert.Equal(whole.Epsilon, split.Epsilon, 12);
    }

    [Fact]
    public void Heterogeneous_blocks_add_their_rdp()
    {
        var a = accountant.ComputeRdp([new(0.9, 0.02, 50)]);
        var b = accountant.ComputeRdp([new(3, 0.3, 7)]);
        var both = accountant.ComputeRdp([new(0.9, 0.02, 50), new(3, 0.3, 7)]);
        for (var i = 0; i < both.Length; i++)
        {
            Assert.Equal(a[i] + b[i], both[i], Math.Max(1e-15, both[i] * 1e-13));
        }
    }

    [Theory]
    [InlineData(0.5, 1, 1e-5)]
    [InlineData(1, 1, 1e-5)]
    [InlineData(2, 10, 1e-6)]
    [InlineData(5, 100, 1e-9)]
    public void Never_below_the_exact_gaussian_epsilon(double sigma, long steps, double delta)
    {
        // The RDP bound is an upper bound: with q = 1 the exact curve is known (Balle and Wang 2018).
        var exact = AnalyticGaussian.Epsilon(delta, sigma, steps);
        var rdp = accountant.GetPrivacySpent([new(sigma, 1, steps)], delta).Epsilon;
        Assert.True(rdp >= exact, $"rdp {rdp} < exact {exact}");
        Assert.True(rdp <= exact * 1.5 + 0.1, $"rdp {rdp} far above exact {exact}");
    }

    public static TheoryData<double, double, long> Grid()
    {
        var data = new TheoryData<double, double, long>();
        foreach (var sigma in new[] { 0.6, 1.0, 2.5 })
        {
            foreach (var q in new[] { 0.001, 0.02, 0.3 })
            {
                foreach (var steps in new long[] { 1, 100, 5000 })
                {
                    data.Add(sigma, q, steps);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public void More_steps_more_sampling_or_less_noise_never_lower_epsilon(double sigma, double q, long steps)
    {
        const double delta = 1e-5;
        var baseline = accountant.GetPrivacySpent([new(sigma, q, steps)], delta).Epsilon;
        Assert.True(accountant.GetPrivacySpent([new(sigma, q, steps * 2)], delta).Epsilon >= baseline);
        Assert.True(accountant.GetPrivacySpent([new(sigma, Math.Min(1, q * 1.5), steps)], delta).Epsilon >= baseline);
        Assert.True(accountant.GetPrivacySpent([new(sigma * 0.9, q, steps)], delta).Epsilon >= baseline);
        Assert.True(accountant.GetPrivacySpent([new(sigma, q, steps)], delta / 10).Epsilon >= baseline);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-1e-9)]
    [InlineData(double.NaN)]
    public void Delta_outside_zero_one_is_refused(double delta)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => accountant.GetPrivacySpent([new(1, 0.01, 10)], delta));
        Assert.Contains("Delta must be strictly between 0 and 1", error.Message);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(double.NaN)]
    public void Orders_not_above_one_are_refused(double order)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RdpAccountant([2, order]));
    }
}

namespace FedGan.Privacy.Tests;

public sealed class NoiseCalibrationTests
{
    private static readonly RdpAccountant Rdp = new();

    [Fact]
    public void Matches_opacus_noise_search()
    {
        // pytorch/opacus opacus/tests/accountants_test.py, test_get_noise_multiplier: epsilon 8,
        // delta 1e-5, rate 0.04, 90 epochs (int(90/0.04) = 2250 steps) -> 1.425307617. Opacus'
        // bisection (accountants/utils.py) returns the last sigma that met the target once it is
        // within its epsilon tolerance, so its answer is feasible but not the smallest: ours must
        // be feasible too, no larger, and close to it.
        const double opacusSigma = 1.425307617;
        Assert.True(Rdp.GetPrivacySpent([new(opacusSigma, 0.04, 2250)], 1e-5).Epsilon <= 8);

        var sigma = NoiseCalibration.FindNoiseMultiplier(Rdp, 8, 1e-5, 0.04, 2250);
        Assert.True(Rdp.GetPrivacySpent([new(sigma, 0.04, 2250)], 1e-5).Epsilon <= 8);
        Assert.True(sigma <= opacusSigma, $"{sigma} > {opacusSigma}");
        Assert.Equal(opacusSigma, sigma, opacusSigma * 0.01);
    }

    public static TheoryData<double, double, long, double> Grid()
    {
        var data = new TheoryData<double, double, long, double>();
        foreach (var epsilon in new[] { 0.5, 2, 8 })
        {
            foreach (var q in new[] { 0.001, 0.05, 1 })
            {
                foreach (var steps in new long[] { 1, 1000 })
                {
                    data.Add(epsilon, q, steps, 1e-5);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public void Rdp_answer_never_overshoots_and_is_nearly_the_smallest(double target, double q, long steps, double delta)
    {
        var sigma = NoiseCalibration.FindNoiseMultiplier(Rdp, target, delta, q, steps);
        Assert.True(Rdp.GetPrivacySpent([new(sigma, q, steps)], delta).Epsilon <= target);
        var slightlyLess = sigma * (1 - 2 * NoiseCalibration.RelativeTolerance);
        Assert.True(Rdp.GetPrivacySpent([new(slightlyLess, q, steps)], delta).Epsilon > target);
    }

    [Theory]
    [InlineData(1.0, 0.01, 1000L)]
    [InlineData(4.0, 0.05, 2000L)]
    [InlineData(2.0, 1.0, 3L)]
    public void Pld_answer_never_overshoots_and_needs_less_noise_than_rdp(double target, double q, long steps)
    {
        var pld = new PldAccountant();
        var sigma = NoiseCalibration.FindNoiseMultiplier(pld, target, 1e-6, q, steps);
        Assert.True(pld.GetPrivacySpent([new(sigma, q, steps)], 1e-6).Epsilon <= target);
        var slightlyLess = sigma * (1 - 2 * NoiseCalibration.RelativeTolerance);
        Assert.True(pld.GetPrivacySpent([new(slightlyLess, q, steps)], 1e-6).Epsilon > target);
        Assert.True(sigma <= NoiseCalibration.FindNoiseMultiplier(Rdp, target, 1e-6, q, steps));
    }

    [Fact]
    public void No_sampling_needs_no_noise()
    {
        Assert.Equal(0, NoiseCalibration.FindNoiseMultiplier(Rdp, 1, 1e-5, 0, 100));
        Assert.Equal(0, NoiseCalibration.FindNoiseMultiplier(Rdp, 1, 1e-5, 0.1, 0));
    }

    [Theory]
    [InlineData(0.0, 1e-5, 0.01, 100L)]
    [InlineData(-1.0, 1e-5, 0.01, 100L)]
    [InlineData(double.NaN, 1e-5, 0.01, 100L)]
    [InlineData(double.PositiveInfinity, 1e-5, 0.01, 100L)]
    [InlineData(1.0, 0.0, 0.01, 100L)]
    [InlineData(1.0, 1.5, 0.01, 100L)]
    [InlineData(1.0, 1e-5, 1.5, 100L)]
    [InlineData(1.0, 1e-5, -0.1, 100L)]
    [InlineData(1.0, 1e-5, 0.01, -1L)]
    public void Invalid_arguments_are_refused(double epsilon, double delta, double q, long steps)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NoiseCalibration.FindNoiseMultiplier(Rdp, epsilon, delta, q, steps));
    }

    [Fact]
    public void Unreachable_target_is_refused_with_a_reason()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            NoiseCalibration.FindNoiseMultiplier(Rdp, 1e-7, 1e-10, 1, 1_000_000));
        Assert.Contains("No noise multiplier", error.Message);
    }

    [Fact]
    public void An_earlier_release_is_composed_in_and_costs_noise()
    {
        // A label histogram released once with noise 50 before 2,000 steps at rate 0.01.
        GaussianMechanismSteps[] earlier = [new(50, 1, 1)];
        var alone = NoiseCalibration.FindNoiseMultiplier(Rdp, 4, 1e-5, 0.01, 2000);
        var after = NoiseCalibration.FindNoiseMultiplier(Rdp, 4, 1e-5, 0.01, 2000, earlier);

        Assert.True(Rdp.GetPrivacySpent([.. earlier, new(after, 0.01, 2000)], 1e-5).Epsilon <= 4);
        var slightlyLess = after * (1 - 2 * NoiseCalibration.RelativeTolerance);
        Assert.True(Rdp.GetPrivacySpent([.. earlier, new(slightlyLess, 0.01, 2000)], 1e-5).Epsilon > 4);
        // The steps alone at the old noise would overshoot once the release is counted.
        Assert.True(after > alone, $"{after} <= {alone}");
        Assert.True(Rdp.GetPrivacySpent([.. earlier, new(alone, 0.01, 2000)], 1e-5).Epsilon > 4);
    }

    [Fact]
    public void A_target_already_exceeded_by_earlier_releases_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            NoiseCalibration.FindNoiseMultiplier(Rdp, 1, 1e-5, 0.01, 100, [new(0.5, 1, 1)]));
        Assert.Contains("already spent", error.Message);
    }
}

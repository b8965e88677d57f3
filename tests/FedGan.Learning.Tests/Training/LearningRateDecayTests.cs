using FedGan.Learning.Training;

namespace FedGan.Learning.Tests.Training;

/// <summary>
/// The per-round factors on the learning rates. Expected values are worked by hand from the
/// schedule's definition: from round F of R on, progress p = (r - F) / (R - F + 1), and the factor
/// is 1 - (1 - final) p (linear) or 1 - (1 - final) (1 - cos(pi p)) / 2 (cosine).
/// </summary>
public class LearningRateDecayTests
{
    [Fact]
    public void Linear_decay_over_the_second_half_of_40_rounds_falls_by_a_twentieth_per_round()
    {
        var decay = new LearningRateDecay(LearningRateDecayShape.Linear, FromRound: 21);

        Assert.All(Enumerable.Range(1, 21), r => Assert.Equal(1.0, decay.Factor(r, 40)));
        Assert.Equal(0.95, decay.Factor(22, 40), 12);
        Assert.Equal(0.50, decay.Factor(31, 40), 12);
        Assert.Equal(0.05, decay.Factor(40, 40), 12);
    }

    [Fact]
    public void Linear_decay_towards_a_final_factor_stops_one_step_above_it()
    {
        var decay = new LearningRateDecay(LearningRateDecayShape.Linear, FromRound: 1, FinalFactor: 0.2);

        double[] expected = [1, 0.84, 0.68, 0.52, 0.36];
        Assert.Equal(expected, Enumerable.Range(1, 5).Select(r => decay.Factor(r, 5)), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Cosine_decay_over_four_rounds_follows_half_a_cosine()
    {
        var decay = new LearningRateDecay(LearningRateDecayShape.Cosine);

        // (1 + cos(pi/4)) / 2 = 0.853553..., (1 + cos(3 pi/4)) / 2 = 0.146446...
        double[] expected = [1, 0.8535533905932737, 0.5, 0.14644660940672624];
        Assert.Equal(expected, Enumerable.Range(1, 4).Select(r => decay.Factor(r, 4)), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void No_decay_keeps_every_round_at_the_full_rate() =>
        Assert.All(Enumerable.Range(1, 10), r => Assert.Equal(1.0, LearningRateDecay.Constant.Factor(r, 10)));

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(1, 1.0)]
    [InlineData(1, -0.1)]
    [InlineData(1, double.NaN)]
    public void A_start_before_round_one_or_a_final_factor_outside_zero_to_one_is_refused(int fromRound, double finalFactor) =>
        Assert.Throws<ArgumentException>(() => new LearningRateDecay(LearningRateDecayShape.Linear, fromRound, finalFactor).Validate());

    [Fact]
    public void A_round_outside_the_run_has_no_factor() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LearningRateDecay(LearningRateDecayShape.Linear).Factor(11, 10));
}

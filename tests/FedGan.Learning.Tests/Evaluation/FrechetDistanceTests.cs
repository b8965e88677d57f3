using FedGan.Learning.Evaluation;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Evaluation;

public class FrechetDistanceTests
{
    [Fact]
    public void One_dimensional_gaussians_give_squared_mean_and_std_differences()
    {
        // d = (m1 - m2)^2 + (s1 - s2)^2 for 1-D Gaussians: (1 - 4)^2 + (2 - 3)^2 = 10.
        var d = FrechetDistance.FromStatistics(tensor(new[] { 1.0 }), tensor(new[] { 4.0 }).reshape(1, 1),
            tensor(new[] { 4.0 }), tensor(new[] { 9.0 }).reshape(1, 1));
        Assert.Equal(10.0, d, 1e-9);
    }

    [Fact]
    public void Non_commuting_covariances_match_a_hand_computation()
    {
        // S1 = [[2, 1], [1, 2]] (eigenvalues 3 and 1), S2 = I: tr sqrt(S1 S2) = sqrt 3 + 1,
        // d = 0 + 4 + 2 - 2 (sqrt 3 + 1) = 4 - 2 sqrt 3.
        var d = FrechetDistance.FromStatistics(zeros(2, dtype: float64), tensor(new[] { 2.0, 1, 1, 2 }).reshape(2, 2),
            zeros(2, dtype: float64), eye(2, dtype: float64));
        Assert.Equal(4 - 2 * Math.Sqrt(3), d, 1e-9);
    }

    [Fact]
    public void Samples_of_one_distribution_are_close_and_a_shift_adds_its_square()
    {
        manual_seed(2);
        var a = randn(20_000, 3);
        var b = randn(20_000, 3);
        Assert.True(FrechetDistance.Between(a, b) < 0.01);
        // Shifting every feature by 1 adds ||(1, 1, 1)||^2 = 3.
        Assert.Equal(3.0, FrechetDistance.Between(a, b + 1), 0.05);
    }

    [Fact]
    public void Feature_sets_of_different_width_are_refused() =>
        Assert.Throws<ArgumentException>(() => FrechetDistance.Between(zeros(5, 2), zeros(5, 3)));
}

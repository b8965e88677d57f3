using FedGan.Learning.Data;

namespace FedGan.Learning.Tests.Data;

public class SamplerTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0)]
    [InlineData(5.0)]
    public void Dirichlet_draws_have_the_textbook_mean_and_variance(double alpha)
    {
        // Symmetric Dirichlet over K components: E[p] = 1/K, Var[p] = (1/K)(1 - 1/K) / (K alpha + 1).
        const int k = 4, draws = 20_000;
        var random = new Random(123);
        var first = new double[draws];
        for (var i = 0; i < draws; i++)
        {
            var p = RandomDraws.SymmetricDirichlet(random, alpha, k);
            Assert.Equal(1.0, p.Sum(), 9);
            first[i] = p[0];
        }
        var mean = first.Average();
        var variance = first.Sum(x => (x - mean) * (x - mean)) / (draws - 1);
        var expectedVariance = 0.25 * 0.75 / (k * alpha + 1);

        // p lies in [0,1] so its variance is at most 1/4; the mean's std is at most
        // sqrt(expectedVariance / draws). A 6-sigma bound fails by chance with probability ~2e-9.
        Assert.InRange(mean, 0.25 - 6 * Math.Sqrt(expectedVariance / draws), 0.25 + 6 * Math.Sqrt(expectedVariance / draws));
        // The sample variance of a [0,1] variable has std below sqrt(E[(x-mu)^4] / n) <= sqrt(expectedVariance / n);
        // again a 6-sigma band.
        var band = 6 * Math.Sqrt(expectedVariance / draws);
        Assert.InRange(variance, expectedVariance - band, expectedVariance + band);
    }

    [Fact]
    public void Dirichlet_with_tiny_alpha_still_gives_a_distribution()
    {
        // Gamma(0.001) variates underflow double; the log-space draw must still sum to one.
        var p = RandomDraws.SymmetricDirichlet(new Random(1), 0.001, 10);

        Assert.Equal(1.0, p.Sum(), 12);
        Assert.All(p, x => Assert.True(x >= 0 && double.IsFinite(x)));
    }
}

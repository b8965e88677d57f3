using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Training;

public class PoissonSamplerTests
{
    [Fact]
    public void Each_record_joins_independently_with_the_sampling_rate()
    {
        // 2,000 draws over 500 records at q = 0.05: batch sizes are Binomial(500, 0.05), mean 25,
        // sd 4.87; their mean over 2,000 draws has sd 0.109, each record's inclusion count is
        // Binomial(2000, 0.05) (mean 100, sd 9.75). Bounds at 6 sd: chance failure below 1e-8
        // (per record, with a union bound over 500 records below 1e-6).
        var sampler = new PoissonSampler(500, 0.05, new Generator(3));
        var counts = new int[500];
        var sizes = new List<long>();
        for (var i = 0; i < 2000; i++)
        {
            using var batch = sampler.Sample();
            sizes.Add(batch.shape[0]);
            foreach (var index in batch.data<long>().ToArray())
                counts[index]++;
        }

        Assert.Equal(25.0, sizes.Average(), 6 * 0.109);
        Assert.True(sizes.Distinct().Count() > 5, "batch sizes must vary under Poisson sampling");
        Assert.All(counts, c => Assert.InRange(c, 100 - 6 * 9.75, 100 + 6 * 9.75));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Rates_outside_zero_to_one_are_refused(double rate) =>
        Assert.Throws<ArgumentException>(() => new PoissonSampler(10, rate, new Generator(1)));
}

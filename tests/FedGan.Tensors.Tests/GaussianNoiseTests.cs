namespace FedGan.Tensors.Tests;

public class GaussianNoiseTests
{
    private const int Samples = 200_000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Noise_has_the_requested_mean_std_and_gaussian_shape(bool cryptographic)
    {
        const double std = 0.5;
        var values = new float[Samples];
        var noise = cryptographic ? GaussianNoise.Cryptographic() : GaussianNoise.Seeded(2024);

        FlatVector.AddGaussianNoise(values, std, noise);

        var mean = values.Average(v => (double)v);
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (Samples - 1);
        var withinOneStd = values.Count(v => Math.Abs(v) <= std) / (double)Samples;

        // Each check is a 6-sigma band; for normal data a 6-sigma excursion has probability
        // 2e-9, so with three checks the test fails by chance with probability below 1e-8.
        // Mean: std / sqrt(n).
        Assert.InRange(mean, -6 * std / Math.Sqrt(Samples), 6 * std / Math.Sqrt(Samples));
        // Sample variance of a normal: std of s^2 is sigma^2 sqrt(2 / (n - 1)).
        var varianceBand = 6 * std * std * Math.Sqrt(2.0 / (Samples - 1));
        Assert.InRange(variance, std * std - varianceBand, std * std + varianceBand);
        // P(|Z| <= 1) = 0.682689 for a standard normal (erf(1/sqrt 2)); binomial std sqrt(p(1-p)/n).
        const double p = 0.682689;
        var shareBand = 6 * Math.Sqrt(p * (1 - p) / Samples);
        Assert.InRange(withinOneStd, p - shareBand, p + shareBand);
    }

    [Fact]
    public void Seeded_noise_is_reproducible_and_seed_dependent()
    {
        var first = new float[1001];
        var second = new float[1001];
        var other = new float[1001];

        FlatVector.AddGaussianNoise(first, 1.0, GaussianNoise.Seeded(7));
        FlatVector.AddGaussianNoise(second, 1.0, GaussianNoise.Seeded(7));
        FlatVector.AddGaussianNoise(other, 1.0, GaussianNoise.Seeded(8));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Cryptographic_noise_differs_between_calls()
    {
        var first = new float[64];
        var second = new float[64];
        var noise = GaussianNoise.Cryptographic();

        FlatVector.AddGaussianNoise(first, 1.0, noise);
        FlatVector.AddGaussianNoise(second, 1.0, noise);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Zero_std_changes_nothing_and_negative_std_is_refused()
    {
        float[] values = [1f, 2f];

        FlatVector.AddGaussianNoise(values, 0, GaussianNoise.Seeded(1));

        Assert.Equal([1f, 2f], values);
        Assert.Throws<ArgumentOutOfRangeException>(() => FlatVector.AddGaussianNoise(values, -1, GaussianNoise.Seeded(1)));
    }
}

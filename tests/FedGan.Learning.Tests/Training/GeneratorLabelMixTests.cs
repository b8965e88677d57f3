using FedGan.Learning.Data;
using FedGan.Learning.Models;
using FedGan.Learning.Training;
using FedGan.Tensors;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Training;

public class GeneratorLabelMixTests
{
    private static readonly GanArchitecture Small = new(GeneratorWidth: 16, DiscriminatorWidth: 8);

    [Fact]
    public void Without_noise_the_mix_is_the_sites_class_proportions()
    {
        var mix = GeneratorLabelMix.FromHistogram([0, 300, 700, 0], 0, null);

        Assert.Equal([0, 0.3, 0.7, 0], mix.Probabilities.ToArray(), new ToleranceComparer(1e-12));
        Assert.Null(mix.Release);
    }

    [Fact]
    public void A_noised_histogram_is_one_gaussian_release_of_the_configured_standard_deviation()
    {
        // Two classes of 10,000 each with N(0, s^2) on both counts: p0 = (n + e0) / (2n + e0 + e1),
        // so p0 - 1/2 ~ (e0 - e1) / (4n), whose standard deviation is s sqrt(2) / (4n).
        const double s = 50, n = 10_000;
        var expected = s * Math.Sqrt(2) / (4 * n);
        var draws = Enumerable.Range(0, 4000)
            .Select(i => GeneratorLabelMix.FromHistogram([(int)n, (int)n], s, GaussianNoise.Seeded((ulong)i + 1)).Probabilities[0])
            .ToArray();
        var mean = draws.Average();
        var sd = Math.Sqrt(draws.Sum(p => (p - mean) * (p - mean)) / (draws.Length - 1));

        Assert.InRange(sd, 0.93 * expected, 1.07 * expected);
        Assert.InRange(mean, 0.5 - 4 * expected / Math.Sqrt(draws.Length), 0.5 + 4 * expected / Math.Sqrt(draws.Length));
        // The release the accountant composes: one step, every record in it, noise s per unit of sensitivity.
        var release = GeneratorLabelMix.FromHistogram([5, 5], s, GaussianNoise.Seeded(9)).Release!;
        Assert.Equal((s, 1.0, 1L), (release.NoiseMultiplier, release.SamplingRate, release.Steps));
    }

    [Fact]
    public void An_empty_histogram_falls_back_to_every_class_equally() =>
        Assert.Equal([0.25, 0.25, 0.25, 0.25], GeneratorLabelMix.FromHistogram([0, 0, 0, 0], 0, null).Probabilities.ToArray());

    [Fact]
    public void Generator_steps_never_train_a_class_the_mix_leaves_out()
    {
        // G reads its label as a one-hot input to its first layer: the weight column of a class G is
        // never asked for gets no gradient, so it keeps its initial value; with the uniform mix it moves.
        var missing = ColumnChange(GeneratorLabelMix.FromHistogram([0, 50, 50, 50, 50, 50, 50, 50, 50, 50], 0, null), label: 0);
        var present = ColumnChange(GeneratorLabelMix.FromHistogram([0, 50, 50, 50, 50, 50, 50, 50, 50, 50], 0, null), label: 1);
        var uniform = ColumnChange(GeneratorLabelMix.Uniform(10), label: 0);

        Assert.Equal(0, missing);
        Assert.True(present > 1e-6, $"class 1's column moved by {present}");
        Assert.True(uniform > 1e-6, $"class 0's column moved by {uniform} under the uniform mix");
    }

    private static double ColumnChange(GeneratorLabelMix mix, int label)
    {
        using var model = new ConditionalGan(Small);
        var images = FashionMnist.LoadTrain().Subset(Enumerable.Range(0, 200).ToArray());
        using var data = new TrainingImages(images);
        var column = Small.LatentDim + label;
        var project = model.Generator.named_parameters().Single(p => p.name == "project.weight").parameter;
        using var before = project.detach().select(1, column).clone();
        var trainer = new LocalGanTrainer(model, data, new GanTrainingSettings(ExpectedBatchSize: 16, GeneratorBatchSize: 32), null, seed: 5, mix);

        trainer.Train(4);

        using var after = project.detach().select(1, column);
        return (after - before).abs().max().item<float>();
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}

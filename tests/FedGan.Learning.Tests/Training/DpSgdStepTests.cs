using FedGan.Learning.Models;
using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Training;

/// <summary>
/// The DP-SGD step observed from outside: with plain SGD at learning rate 1 the parameter change
/// is exactly minus the gradient the step produced, which is compared with a slow reference that
/// differentiates one row at a time.
/// </summary>
public class DpSgdStepTests
{
    [Fact]
    public void A_records_influence_on_the_step_is_the_clipping_norm_in_its_own_direction()
    {
        // Record-level DP rests on this: with or without record i (the fakes unchanged), the
        // noiseless step differs by exactly record i's clipped gradient over the expected batch.
        const double clip = 0.05, expectedBatch = 4;
        var (discriminator, real, fake, labels) = PerExampleGradientsTests.TinyProblem(28, seed: 21);
        var fakeLabels = tensor(new long[] { 1, 1, 0, 2, 2 });
        var privacy = new DpSgdSettings(0, clip);
        var withAll = StepChange(discriminator, privacy, real, labels, fake, fakeLabels, expectedBatch);

        for (var i = 0; i < real.shape[0]; i++)
        {
            var others = tensor(Enumerable.Range(0, (int)real.shape[0]).Where(j => j != i).Select(j => (long)j).ToArray());
            var without = StepChange(discriminator, privacy, real.index_select(0, others), labels.index_select(0, others), fake, fakeLabels, expectedBatch);
            var influence = withAll.Zip(without, (a, b) => (double)a - b).ToArray();
            var gradient = SlowPerExampleReference.RowGradient(discriminator, real[i], labels[i].item<long>(), real: true);
            // The bound must bite, or this test would prove nothing.
            Assert.True(SlowPerExampleReference.Norm(gradient) > 2 * clip);

            var norm = Math.Sqrt(influence.Sum(v => v * v));
            Assert.Equal(clip / expectedBatch, norm, 1e-4 * clip);
            // influence = -(clip / E) g / ||g||: cosine with -g is 1.
            var cosine = -influence.Zip(gradient, (a, b) => a * b).Sum() / (norm * SlowPerExampleReference.Norm(gradient));
            Assert.Equal(1.0, cosine, 1e-3);
        }
    }

    [Fact]
    public void A_batch_step_is_the_clipped_sum_of_every_row_divided_by_the_expected_batch_size()
    {
        const double clip = 0.5;
        const double expectedBatch = 8;
        var (discriminator, real, fake, labels) = PerExampleGradientsTests.TinyProblem(28, seed: 22);
        // Fewer fakes than records, with labels of their own.
        var fakes = fake.narrow(0, 0, 3);
        var fakeLabels = tensor(new long[] { 2, 2, 1 });
        var rows = Enumerable.Range(0, 5).Select(i => SlowPerExampleReference.RowGradient(discriminator, real[i], labels[i].item<long>(), real: true))
            .Concat(Enumerable.Range(0, 3).Select(j => SlowPerExampleReference.RowGradient(discriminator, fakes[j], fakeLabels[j].item<long>(), real: false)))
            .ToArray();

        var change = StepChange(discriminator, new DpSgdSettings(0, clip), real, labels, fakes, fakeLabels, expectedBatch);

        var expected = new double[change.Length];
        foreach (var g in rows)
        {
            var factor = Math.Min(1, clip / SlowPerExampleReference.Norm(g));
            for (var j = 0; j < g.Length; j++)
                expected[j] -= factor * g[j] / expectedBatch;
        }

        var scale = expected.Max(Math.Abs);
        for (var j = 0; j < expected.Length; j++)
            Assert.True(Math.Abs(expected[j] - change[j]) <= 1e-4 * scale, $"entry {j}: expected {expected[j]}, got {change[j]}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Noise_has_standard_deviation_sigma_times_clip_over_expected_batch(int records)
    {
        // Same start, same batch, with and without noise: the difference of the two changes is the
        // noise alone, N(0, (sigma C / E)^2) per parameter. With m ~ 130,000 draws, the sample
        // variance has relative standard error sqrt(2 / (m - 1)) ~ 0.4 %, the sample mean standard
        // error s / sqrt(m); the 6-standard-error bounds below fail by chance with probability < 1e-8.
        const double sigma = 2.0, clip = 0.5, expectedBatch = 4.0;
        manual_seed(5);
        var discriminator = new ProjectionDiscriminator(new GanArchitecture(DiscriminatorWidth: 32));
        var real = rand(records, 1, 28, 28) * 2 - 1;
        var labels = randint(0, 10, [records], dtype: int64);
        var fake = rand(4, 1, 28, 28) * 2 - 1;
        var fakeLabels = randint(0, 10, [4], dtype: int64);

        var quiet = StepChange(discriminator, new DpSgdSettings(0, clip), real, labels, fake, fakeLabels, expectedBatch);
        var noisy = StepChange(discriminator, new DpSgdSettings(sigma, clip), real, labels, fake, fakeLabels, expectedBatch);
        var noise = noisy.Zip(quiet, (a, b) => (double)a - b).ToArray();

        var std = sigma * clip / expectedBatch;
        var m = noise.Length;
        var mean = noise.Average();
        var variance = noise.Sum(x => (x - mean) * (x - mean)) / (m - 1);
        Assert.True(m > 100_000);
        Assert.True(Math.Abs(mean) <= 6 * std / Math.Sqrt(m), $"mean {mean}");
        Assert.True(Math.Abs(variance / (std * std) - 1) <= 6 * Math.Sqrt(2.0 / (m - 1)), $"std {Math.Sqrt(variance)} vs {std}");
        // Gaussian shape: P(|x| < std) = 0.682689 (standard normal table); binomial standard error.
        var inside = noise.Count(x => Math.Abs(x) < std) / (double)m;
        Assert.True(Math.Abs(inside - 0.682689) <= 6 * Math.Sqrt(0.682689 * 0.317311 / m), $"share within one std {inside}");
    }

    /// <summary>Parameter change of one step on a copy of D, flattened (SGD, learning rate 1: change = -gradient).</summary>
    private static float[] StepChange(ProjectionDiscriminator source, DpSgdSettings privacy, Tensor real, Tensor labels, Tensor fake, Tensor fakeLabels,
        double expectedBatch)
    {
        var copy = new ProjectionDiscriminator(source.Architecture);
        copy.load_state_dict(source.state_dict());
        var before = SlowPerExampleReference.Flatten(copy.parameters().Select(p => p.detach().clone()));
        var step = new DiscriminatorStep(copy, optim.SGD(copy.parameters(), 1.0), privacy, new Generator(99));
        step.Take(real, labels, fake, fakeLabels, expectedBatch);
        var after = SlowPerExampleReference.Flatten(copy.parameters());
        return after.Zip(before, (a, b) => a - b).ToArray();
    }
}

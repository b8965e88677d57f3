using FedGan.Learning.Models;
using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Training;

/// <summary>
/// The DP-SGD step observed from outside: with plain SGD at learning rate 1 the parameter change
/// is exactly minus the gradient the step produced, which is compared with the slow reference.
/// </summary>
public class DpSgdStepTests
{
    [Fact]
    public void Each_record_contributes_at_most_the_clipping_norm_and_keeps_its_direction()
    {
        const double clip = 0.05;
        var (discriminator, real, fake, labels) = PerExampleGradientsTests.TinyProblem(28, seed: 21);
        var reference = SlowPerExampleReference.DiscriminatorGradients(discriminator, real, fake, labels);
        // The bound must actually bite, or this test would prove nothing.
        Assert.All(reference, g => Assert.True(SlowPerExampleReference.Norm(g) > 2 * clip));

        for (var i = 0; i < real.shape[0]; i++)
        {
            var change = StepChange(discriminator, new DpSgdSettings(0, clip), real.narrow(0, i, 1), fake.narrow(0, i, 1), labels.narrow(0, i, 1), expectedBatch: 1);
            var norm = SlowPerExampleReference.Norm(change);
            Assert.True(norm <= clip * (1 + 1e-4), $"record {i}: update norm {norm} exceeds {clip}");
            Assert.Equal(clip, norm, 1e-4);
            // change = -clip * g / ||g||: cosine with -g is 1.
            var cosine = -Dot(change, reference[i]) / (norm * SlowPerExampleReference.Norm(reference[i]));
            Assert.Equal(1.0, cosine, 1e-4);
        }
    }

    [Fact]
    public void A_batch_step_is_the_clipped_sum_divided_by_the_expected_batch_size()
    {
        const double clip = 0.5;
        const double expectedBatch = 8;
        var (discriminator, real, fake, labels) = PerExampleGradientsTests.TinyProblem(28, seed: 22);
        var reference = SlowPerExampleReference.DiscriminatorGradients(discriminator, real, fake, labels);

        var change = StepChange(discriminator, new DpSgdSettings(0, clip), real, fake, labels, expectedBatch);

        var expected = new double[change.Length];
        foreach (var g in reference)
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
        var fake = rand(records, 1, 28, 28) * 2 - 1;
        var labels = randint(0, 10, [records], dtype: int64);

        var quiet = StepChange(discriminator, new DpSgdSettings(0, clip), real, fake, labels, expectedBatch);
        var noisy = StepChange(discriminator, new DpSgdSettings(sigma, clip), real, fake, labels, expectedBatch);
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
    private static float[] StepChange(ProjectionDiscriminator source, DpSgdSettings privacy, Tensor real, Tensor fake, Tensor labels, double expectedBatch)
    {
        var copy = new ProjectionDiscriminator(source.Architecture);
        copy.load_state_dict(source.state_dict());
        var before = SlowPerExampleReference.Flatten(copy.parameters().Select(p => p.detach().clone()));
        var step = new DiscriminatorStep(copy, optim.SGD(copy.parameters(), 1.0), privacy, new Generator(99));
        step.Take(real, labels, fake, expectedBatch);
        var after = SlowPerExampleReference.Flatten(copy.parameters());
        return after.Zip(before, (a, b) => a - b).ToArray();
    }

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
}

using FedGan.Learning.Models;
using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Training;

/// <summary>
/// The DP-SGD step observed from outside: with plain SGD at learning rate 1 the parameter change
/// is exactly minus the gradient the step produced, which is compared with slow references that
/// differentiate one record or one row at a time.
/// </summary>
public class DpSgdStepTests
{
    [Fact]
    public void Paired_each_record_with_its_fake_contributes_the_clipping_norm_in_its_own_direction()
    {
        const double clip = 0.05;
        var (discriminator, real, fake, labels) = PerExampleGradientsTests.TinyProblem(28, seed: 21);
        var reference = SlowPerExampleReference.DiscriminatorGradients(discriminator, real, fake, labels);
        // The bound must actually bite, or this test would prove nothing.
        Assert.All(reference, g => Assert.True(SlowPerExampleReference.Norm(g) > 2 * clip));

        for (var i = 0; i < real.shape[0]; i++)
        {
            var one = labels.narrow(0, i, 1);
            var change = StepChange(discriminator, new DpSgdSettings(0, clip), PrivateFakes.PairedWithRecords,
                real.narrow(0, i, 1), one, fake.narrow(0, i, 1), one, expectedBatch: 1);
            var norm = SlowPerExampleReference.Norm(change);
            Assert.Equal(clip, norm, 1e-4);
            // change = -clip * g / ||g||: cosine with -g is 1.
            var cosine = -Dot(change, reference[i]) / (norm * SlowPerExampleReference.Norm(reference[i]));
            Assert.Equal(1.0, cosine, 1e-4);
        }
    }

    [Fact]
    public void Paired_a_batch_step_is_the_clipped_sum_of_records_divided_by_the_expected_batch_size()
    {
        const double clip = 0.5;
        const double expectedBatch = 8;
        var (discriminator, real, fake, labels) = PerExampleGradientsTests.TinyProblem(28, seed: 22);
        var reference = SlowPerExampleReference.DiscriminatorGradients(discriminator, real, fake, labels);

        var change = StepChange(discriminator, new DpSgdSettings(0, clip), PrivateFakes.PairedWithRecords, real, labels, fake, labels, expectedBatch);

        AssertClippedSum(reference, clip, expectedBatch, change);
    }

    [Fact]
    public void Paired_fakes_must_be_one_per_record_with_its_label()
    {
        var (discriminator, real, fake, labels) = PerExampleGradientsTests.TinyProblem(28, seed: 23);
        var otherLabels = tensor(new long[] { 1, 1, 1, 1, 1 });
        var step = new DiscriminatorStep(discriminator, optim.SGD(discriminator.parameters(), 1.0), new DpSgdSettings(1, 1), new Generator(1));

        Assert.Throws<ArgumentException>(() => step.Take(real, labels, fake, otherLabels, 5));
        Assert.Throws<ArgumentException>(() => step.Take(real, labels, fake.narrow(0, 0, 3), labels.narrow(0, 0, 3), 5));
    }

    [Fact]
    public void From_the_mix_a_records_influence_on_the_step_is_its_own_rows_clipped_gradient()
    {
        // With or without record i (the fakes unchanged), the noiseless step differs by exactly
        // record i's clipped real-row gradient over the expected batch: the fakes carry no record.
        const double clip = 0.05, expectedBatch = 4;
        var (discriminator, real, fake, labels) = PerExampleGradientsTests.TinyProblem(28, seed: 21);
        var fakeLabels = tensor(new long[] { 1, 1, 0, 2, 2 });
        var privacy = new DpSgdSettings(0, clip);
        var withAll = StepChange(discriminator, privacy, PrivateFakes.FromLabelMix, real, labels, fake, fakeLabels, expectedBatch);

        for (var i = 0; i < real.shape[0]; i++)
        {
            var others = tensor(Enumerable.Range(0, (int)real.shape[0]).Where(j => j != i).Select(j => (long)j).ToArray());
            var without = StepChange(discriminator, privacy, PrivateFakes.FromLabelMix,
                real.index_select(0, others), labels.index_select(0, others), fake, fakeLabels, expectedBatch);
            var influence = withAll.Zip(without, (a, b) => a - b).ToArray();
            var gradient = SlowPerExampleReference.RowGradient(discriminator, real[i], labels[i].item<long>(), real: true);
            Assert.True(SlowPerExampleReference.Norm(gradient) > 2 * clip);

            var norm = SlowPerExampleReference.Norm(influence);
            Assert.Equal(clip / expectedBatch, norm, 1e-4 * clip);
            Assert.Equal(1.0, -Dot(influence, gradient) / (norm * SlowPerExampleReference.Norm(gradient)), 1e-3);
        }
    }

    [Fact]
    public void From_the_mix_a_batch_step_is_the_clipped_sum_of_every_row_divided_by_the_expected_batch_size()
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

        var change = StepChange(discriminator, new DpSgdSettings(0, clip), PrivateFakes.FromLabelMix, real, labels, fakes, fakeLabels, expectedBatch);

        AssertClippedSum(rows, clip, expectedBatch, change);
    }

    [Theory]
    [InlineData(0, PrivateFakes.PairedWithRecords)]
    [InlineData(3, PrivateFakes.PairedWithRecords)]
    [InlineData(0, PrivateFakes.FromLabelMix)]
    [InlineData(3, PrivateFakes.FromLabelMix)]
    public void Noise_has_standard_deviation_sigma_times_clip_over_expected_batch(int records, PrivateFakes fakes)
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
        var fakeCount = fakes == PrivateFakes.PairedWithRecords ? records : 4;
        var fake = rand(fakeCount, 1, 28, 28) * 2 - 1;
        var fakeLabels = fakes == PrivateFakes.PairedWithRecords ? labels : randint(0, 10, [fakeCount], dtype: int64);

        var quiet = StepChange(discriminator, new DpSgdSettings(0, clip), fakes, real, labels, fake, fakeLabels, expectedBatch);
        var noisy = StepChange(discriminator, new DpSgdSettings(sigma, clip), fakes, real, labels, fake, fakeLabels, expectedBatch);
        var noise = noisy.Zip(quiet, (a, b) => a - b).ToArray();

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

    private static void AssertClippedSum(IEnumerable<float[]> gradients, double clip, double expectedBatch, float[] change)
    {
        var expected = new double[change.Length];
        foreach (var g in gradients)
        {
            var factor = Math.Min(1, clip / SlowPerExampleReference.Norm(g));
            for (var j = 0; j < g.Length; j++)
                expected[j] -= factor * g[j] / expectedBatch;
        }

        var scale = expected.Max(Math.Abs);
        for (var j = 0; j < expected.Length; j++)
            Assert.True(Math.Abs(expected[j] - change[j]) <= 1e-4 * scale, $"entry {j}: expected {expected[j]}, got {change[j]}");
    }

    /// <summary>Parameter change of one step on a copy of D, flattened (SGD, learning rate 1: change = -gradient).</summary>
    private static float[] StepChange(ProjectionDiscriminator source, DpSgdSettings privacy, PrivateFakes fakes,
        Tensor real, Tensor labels, Tensor fake, Tensor fakeLabels, double expectedBatch)
    {
        var copy = new ProjectionDiscriminator(source.Architecture);
        copy.load_state_dict(source.state_dict());
        var before = SlowPerExampleReference.Flatten(copy.parameters().Select(p => p.detach().clone()));
        var step = new DiscriminatorStep(copy, optim.SGD(copy.parameters(), 1.0), privacy, new Generator(99)) { Fakes = fakes };
        step.Take(real, labels, fake, fakeLabels, expectedBatch);
        var after = SlowPerExampleReference.Flatten(copy.parameters());
        return after.Zip(before, (a, b) => a - b).ToArray();
    }

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
}

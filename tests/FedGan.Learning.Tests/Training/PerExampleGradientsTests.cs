using FedGan.Learning.Models;
using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Training;

public class PerExampleGradientsTests
{
    private const int Records = 5;

    public static TheoryData<int, PerExampleNormMethod, bool> Cases => new()
    {
        { 28, PerExampleNormMethod.Materialized, false },
        { 28, PerExampleNormMethod.Ghost, false },
        { 28, PerExampleNormMethod.Automatic, false },
        { 64, PerExampleNormMethod.Materialized, false },
        { 64, PerExampleNormMethod.Ghost, false },
        { 28, PerExampleNormMethod.Materialized, true },
        { 28, PerExampleNormMethod.Ghost, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Per_record_norms_match_a_loop_of_single_record_backward_passes(int imageSize, PerExampleNormMethod method, bool discriminatorNorm)
    {
        var (discriminator, real, fake, labels) = TinyProblem(imageSize, seed: 11, discriminatorNorm);
        var reference = SlowPerExampleReference.DiscriminatorGradients(discriminator, real, fake, labels);

        using var gradients = Compute(discriminator, real, fake, labels);
        var norms = gradients.Norms(method).data<float>().ToArray();

        for (var i = 0; i < Records; i++)
            Assert.Equal(SlowPerExampleReference.Norm(reference[i]), norms[i], Tolerance(norms[i]));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(PerExampleNormMethod.Materialized, false)]
    [InlineData(PerExampleNormMethod.Ghost, false)]
    [InlineData(null, true)]
    [InlineData(PerExampleNormMethod.Ghost, true)]
    public void Weighted_sum_matches_the_reference_gradients_weighted_the_same_way(PerExampleNormMethod? normsFirst, bool discriminatorNorm)
    {
        var (discriminator, real, fake, labels) = TinyProblem(28, seed: 12, discriminatorNorm);
        var reference = SlowPerExampleReference.DiscriminatorGradients(discriminator, real, fake, labels);
        var coefficients = new[] { 0.5f, -1f, 2f, 0f, 0.25f };

        using var gradients = Compute(discriminator, real, fake, labels);
        // Computing norms first leaves materialized per-record gradients behind, which the sum then reuses.
        if (normsFirst is { } method)
            gradients.Norms(method).Dispose();
        gradients.WriteWeightedSum(tensor(coefficients));
        var actual = SlowPerExampleReference.Flatten(discriminator.parameters().Select(p => p.grad!));

        AssertWeightedSum(reference, coefficients, actual);
    }

    [Theory]
    [InlineData(PerExampleNormMethod.Materialized)]
    [InlineData(PerExampleNormMethod.Ghost)]
    public void With_the_class_loss_norms_and_weighted_sum_match_the_reference(PerExampleNormMethod method)
    {
        const double weight = 0.7;
        var (discriminator, real, fake, labels) = TinyProblem(28, seed: 13);
        var reference = SlowPerExampleReference.DiscriminatorGradients(discriminator, real, fake, labels, weight);
        var withoutClassLoss = SlowPerExampleReference.DiscriminatorGradients(discriminator, real, fake, labels);
        var coefficients = new[] { 1f, 0.5f, -2f, 0.25f, 1f };

        using var gradients = Compute(discriminator, real, fake, labels, weight);
        var norms = gradients.Norms(method).data<float>().ToArray();
        gradients.WriteWeightedSum(tensor(coefficients));
        var actual = SlowPerExampleReference.Flatten(discriminator.parameters().Select(p => p.grad!));

        for (var i = 0; i < Records; i++)
        {
            Assert.Equal(SlowPerExampleReference.Norm(reference[i]), norms[i], Tolerance(norms[i]));
            // The class loss changes every record's gradient, so a pass that ignored it would fail here.
            Assert.NotEqual(SlowPerExampleReference.Norm(withoutClassLoss[i]), norms[i], Tolerance(norms[i]));
        }

        AssertWeightedSum(reference, coefficients, actual);
    }

    [Fact]
    public void Recorded_layers_own_every_discriminator_parameter()
    {
        var discriminator = new ProjectionDiscriminator(GanArchitecture.Default);
        var owned = discriminator.Layers.SelectMany(l => l.Bias is null ? new[] { l.Weight } : [l.Weight, l.Bias]).ToHashSet();
        Assert.Equal(discriminator.parameters().Count(), owned.Count);
        Assert.All(discriminator.parameters(), p => Assert.Contains(p, owned));
    }

    /// <summary>actual must equal sum_i coefficients_i reference_i, to 1e-4 of the largest entry.</summary>
    private static void AssertWeightedSum(float[][] reference, float[] coefficients, float[] actual)
    {
        var expected = new double[actual.Length];
        for (var i = 0; i < Records; i++)
            for (var j = 0; j < expected.Length; j++)
                expected[j] += coefficients[i] * reference[i][j];
        var scale = expected.Max(Math.Abs);
        for (var j = 0; j < expected.Length; j++)
            Assert.True(Math.Abs(expected[j] - actual[j]) <= 1e-4 * scale, $"parameter entry {j}: expected {expected[j]}, got {actual[j]}");
    }

    private static PerExampleGradients Compute(ProjectionDiscriminator discriminator, Tensor real, Tensor fake, Tensor labels, double classLossWeight = 0)
    {
        var activations = new LayerActivations();
        Tensor loss;
        if (classLossWeight == 0)
        {
            var scores = discriminator.Score(cat([real, fake]), cat([labels, labels]), activations);
            loss = PairLoss(scores, real.shape[0]);
        }
        else
        {
            var (scores, classLogits) = discriminator.ScoreAndClassify(cat([real, fake]), cat([labels, labels]), activations);
            loss = PairLoss(scores, real.shape[0])
                + classLossWeight * GanLosses.ClassificationPerRow(classLogits.narrow(0, 0, real.shape[0]), labels).sum();
        }

        return PerExampleGradients.Compute(activations, loss, rowsPerRecord: 2);
    }

    /// <summary>D's loss summed over [real rows; fake rows], n of each.</summary>
    private static Tensor PairLoss(Tensor scores, long n) =>
        GanLosses.RealRows(scores.narrow(0, 0, n)).sum() + GanLosses.FakeRows(scores.narrow(0, n, n)).sum();

    internal static (ProjectionDiscriminator, Tensor Real, Tensor Fake, Tensor Labels) TinyProblem(int imageSize, int seed, bool discriminatorNorm = false)
    {
        manual_seed(seed);
        var discriminator = new ProjectionDiscriminator(new GanArchitecture(ImageSize: imageSize, Classes: 3, DiscriminatorWidth: 4,
            DiscriminatorNorm: discriminatorNorm));
        var real = rand(Records, 1, imageSize, imageSize) * 2 - 1;
        var fake = rand(Records, 1, imageSize, imageSize) * 2 - 1;
        // Records 1 and 3 share a label, so the projection's per-record rows overlap.
        var labels = tensor(new long[] { 0, 2, 1, 2, 0 });
        return (discriminator, real, fake, labels);
    }

    private static double Tolerance(double value) => 1e-4 * Math.Max(1, Math.Abs(value));
}

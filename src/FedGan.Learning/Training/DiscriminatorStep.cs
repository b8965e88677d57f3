using FedGan.Learning.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>
/// One optimiser step of D on a batch of real records and a batch of fake images.
///
/// Why the DP version is record-level DP: every row (real or fake) has its own gradient, clipped
/// to C, and the clipped rows are summed. A record influences its real row only: the fakes are
/// drawn from G (already private weights) with public noise, in a number and with labels that do
/// not depend on the sampled records (<see cref="LocalGanTrainer"/> draws them from G's label
/// mix). D and G have no batch statistics, so no other row depends on the record, and adding or
/// removing it changes the clipped sum by at most C in L2 norm. Gaussian noise N(0, (sigma C)^2)
/// on the sum makes the step a subsampled Gaussian mechanism with noise multiplier sigma.
/// The fake rows, being data-independent, need no noise, but are clipped like the real rows so
/// that both halves of D's loss keep the same weight (unclipped fake gradients are 5 to 16 times
/// larger than a clipped real one here). Dividing by the expected, not the drawn, batch size keeps
/// the batch size out of the output. G's steps only read D's weights, so they are post-processing
/// (see DESIGN.md, Privacy model). Pairing each fake with a record's label instead would make the
/// record share its bound C with its fake row: half the signal for the same noise.
/// </summary>
public sealed class DiscriminatorStep
{
    private readonly ProjectionDiscriminator discriminator;
    private readonly optim.Optimizer optimizer;
    private readonly DpSgdSettings? privacy;
    private readonly Generator noise;
    private readonly Parameter[] parameters;
    private readonly long parameterCount;

    public DiscriminatorStep(ProjectionDiscriminator discriminator, optim.Optimizer optimizer, DpSgdSettings? privacy, Generator noise)
    {
        this.discriminator = discriminator;
        this.optimizer = optimizer;
        this.privacy = privacy?.Validate();
        this.noise = noise;
        parameters = discriminator.parameters().ToArray();
        parameterCount = parameters.Sum(p => p.numel());
    }

    public PerExampleNormMethod NormMethod { get; init; } = PerExampleNormMethod.Automatic;

    /// <summary>
    /// Weight of the classification loss on real rows (see <see cref="GanTrainingSettings.ClassLossWeight"/>);
    /// it is part of each record's own term, so clipping covers it.
    /// </summary>
    public double ClassLossWeight { get; init; }

    /// <summary>
    /// Updates D on <paramref name="realImages"/> with their <paramref name="labels"/> and
    /// <paramref name="fakeImages"/> generated for <paramref name="fakeLabels"/>.
    /// <paramref name="expectedBatchSize"/> (qN) divides the noisy sum of clipped rows under
    /// DP-SGD; without DP the loss is the mean over the real rows plus the mean over the fake rows.
    /// </summary>
    public DiscriminatorStepStats Take(Tensor realImages, Tensor labels, Tensor fakeImages, Tensor fakeLabels, double expectedBatchSize)
    {
        var n = realImages.shape[0];
        if (labels.shape[0] != n || fakeLabels.shape[0] != fakeImages.shape[0])
            throw new ArgumentException($"Need one label per image, got {n} real images with {labels.shape[0]} labels and {fakeImages.shape[0]} fake images with {fakeLabels.shape[0]}.");
        if (!(expectedBatchSize > 0))
            throw new ArgumentException($"The expected batch size must be positive, not {expectedBatchSize}.");

        using var scope = NewDisposeScope();
        var stats = privacy is null
            ? StandardGradient(realImages, labels, fakeImages, fakeLabels)
            : PrivateGradient(realImages, labels, fakeImages, fakeLabels, privacy, expectedBatchSize);
        if (privacy is not null || n > 0)
            optimizer.step();
        return stats;
    }

    private DiscriminatorStepStats StandardGradient(Tensor realImages, Tensor labels, Tensor fakeImages, Tensor fakeLabels)
    {
        var n = realImages.shape[0];
        var m = fakeImages.shape[0];
        if (n == 0 || m == 0)
            return new DiscriminatorStepStats(0, 0, 0, 0);
        optimizer.zero_grad();
        var (scores, realLoss, fakeLoss) = RowLosses(realImages, labels, fakeImages, fakeLabels, activations: null);
        var loss = realLoss.sum() / n + fakeLoss.sum() / m;
        loss.backward();
        return Summarize(n, loss, scores, null, null);
    }

    private DiscriminatorStepStats PrivateGradient(Tensor realImages, Tensor labels, Tensor fakeImages, Tensor fakeLabels, DpSgdSettings dp, double expectedBatchSize)
    {
        var n = realImages.shape[0];
        DiscriminatorStepStats stats;
        if (n + fakeImages.shape[0] == 0)
        {
            foreach (var parameter in parameters)
                SetZeroGradient(parameter);
            stats = new DiscriminatorStepStats(0, 0, 0, 0, 0, 0);
        }
        else
        {
            var activations = new LayerActivations();
            var (scores, realLoss, fakeLoss) = RowLosses(realImages, labels, fakeImages, fakeLabels, activations);
            // One row, one clipped gradient: real rows are the records, fake rows carry no record.
            using var perExample = PerExampleGradients.Compute(activations, realLoss.sum() + fakeLoss.sum(), rowsPerRecord: 1);
            var norms = perExample.Norms(NormMethod);
            var clipFactors = (dp.ClipNorm / (norms + 1e-6)).clamp_max(1.0);
            perExample.WriteWeightedSum(clipFactors);
            var recordNorms = norms.narrow(0, 0, n);
            stats = n == 0
                ? new DiscriminatorStepStats(0, 0, 0, 0, 0, 0)
                : Summarize(n, realLoss.mean() + fakeLoss.mean(), scores, recordNorms.mean().item<float>(),
                    recordNorms.gt(dp.ClipNorm).to(float32).mean().item<float>());
        }

        using (no_grad())
        {
            var std = dp.NoiseMultiplier * dp.ClipNorm;
            // One draw for all of D's coordinates, cut into each parameter's share.
            var draws = std > 0 ? randn(parameterCount, generator: noise).mul_(std) : null;
            long offset = 0;
            foreach (var parameter in parameters)
            {
                var gradient = parameter.grad!;
                if (draws is not null)
                    gradient.add_(draws.narrow(0, offset, gradient.numel()).view(gradient.shape));
                gradient.div_(expectedBatchSize);
                offset += gradient.numel();
            }
        }

        return stats;
    }

    /// <summary>D's scores on [real rows; fake rows] and each row's loss, real rows and fake rows apart.</summary>
    private (Tensor Scores, Tensor RealLoss, Tensor FakeLoss) RowLosses(Tensor realImages, Tensor labels, Tensor fakeImages, Tensor fakeLabels,
        LayerActivations? activations)
    {
        var n = realImages.shape[0];
        var images = cat([realImages, fakeImages]);
        var rowLabels = cat([labels, fakeLabels]);
        Tensor scores, realLoss;
        if (ClassLossWeight == 0)
        {
            scores = discriminator.Score(images, rowLabels, activations);
            realLoss = GanLosses.RealRows(scores.narrow(0, 0, n));
        }
        else
        {
            (scores, var classLogits) = discriminator.ScoreAndClassify(images, rowLabels, activations);
            // Real rows only: classifying G's images would teach D G's mistakes.
            realLoss = GanLosses.RealRows(scores.narrow(0, 0, n))
                + ClassLossWeight * GanLosses.ClassificationPerRow(classLogits.narrow(0, 0, n), labels);
        }

        return (scores, realLoss, GanLosses.FakeRows(scores.narrow(0, n, scores.shape[0] - n)));
    }

    private static void SetZeroGradient(Parameter parameter)
    {
        if (parameter.grad is { } gradient)
            gradient.zero_();
        else
            parameter.grad = zeros_like(parameter);
    }

    private static DiscriminatorStepStats Summarize(long n, Tensor loss, Tensor scores, double? meanNorm, double? clipped) =>
        new((int)n,
            loss.item<float>(),
            scores.narrow(0, 0, n).mean().item<float>(),
            scores.narrow(0, n, scores.shape[0] - n).mean().item<float>(),
            meanNorm,
            clipped);
}

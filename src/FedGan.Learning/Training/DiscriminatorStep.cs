using FedGan.Learning.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>
/// One optimiser step of D on a batch of real records and a batch of fake images.
///
/// Why the DP version is record-level DP, with fakes <see cref="PrivateFakes.PairedWithRecords"/>:
/// fake i is generated with record i's label, so record i influences two rows, its real row and
/// its fake row; the gradient of both together is clipped to C. With fakes
/// <see cref="PrivateFakes.FromLabelMix"/>: their number and labels do not depend on the sampled
/// records, so a record influences its real row only, and every row is clipped to C on its own
/// (the fakes need no clipping for privacy; clipped, both halves of D's loss keep their balance,
/// as unclipped fake gradients are 5 to 16 times a clipped real one here). Either way D and G have
/// no batch statistics and G's weights and noise are independent of the step's data, so adding or
/// removing a record changes the clipped sum by at most C in L2 norm, and Gaussian noise
/// N(0, (sigma C)^2) on the sum makes the step a subsampled Gaussian mechanism with noise
/// multiplier sigma. Dividing by the expected, not the drawn, batch size keeps the batch size out
/// of the output. G's steps only read D's weights, so they are post-processing (see DESIGN.md,
/// Privacy model).
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

    /// <summary>D's optimiser, whose state the trainer saves and restores.</summary>
    internal optim.Optimizer Optimizer => optimizer;

    public PerExampleNormMethod NormMethod { get; init; } = PerExampleNormMethod.Automatic;

    /// <summary>
    /// Weight of the classification loss on real rows (see <see cref="GanTrainingSettings.ClassLossWeight"/>);
    /// it is part of each record's own term, so clipping covers it.
    /// </summary>
    public double ClassLossWeight { get; init; }

    /// <summary>FedProx's pull towards the round's starting weights, added after the noise; none when null.</summary>
    public ProximalTerm? Proximal { get; init; }

    /// <summary>Under DP: whether each fake belongs to a record or stands alone (see <see cref="PrivateFakes"/>).</summary>
    public PrivateFakes Fakes { get; init; } = PrivateFakes.PairedWithRecords;

    /// <summary>
    /// Updates D on <paramref name="realImages"/> with their <paramref name="labels"/> and
    /// <paramref name="fakeImages"/> generated for <paramref name="fakeLabels"/>.
    /// <paramref name="expectedBatchSize"/> (qN) divides the noisy sum of clipped rows under
    /// DP-SGD; without DP the loss is the mean over the real rows plus the mean over the fake rows.
    /// Fakes <see cref="PrivateFakes.PairedWithRecords"/> (the default) must be one per record, with the records' labels.
    /// </summary>
    public DiscriminatorStepStats Take(Tensor realImages, Tensor labels, Tensor fakeImages, Tensor fakeLabels, double expectedBatchSize)
    {
        var n = realImages.shape[0];
        if (labels.shape[0] != n || fakeLabels.shape[0] != fakeImages.shape[0])
            throw new ArgumentException($"Need one label per image, got {n} real images with {labels.shape[0]} labels and {fakeImages.shape[0]} fake images with {fakeLabels.shape[0]}.");
        if (!(expectedBatchSize > 0))
            throw new ArgumentException($"The expected batch size must be positive, not {expectedBatchSize}.");
        if (privacy is not null && Fakes == PrivateFakes.PairedWithRecords && !SameLabels(labels, fakeImages, fakeLabels))
            throw new ArgumentException($"Fakes paired with records need one fake per record with the record's label, got {fakeImages.shape[0]} fakes for {n} records.");

        using var scope = NewDisposeScope();
        var stats = privacy is null
            ? StandardGradient(realImages, labels, fakeImages, fakeLabels)
            : PrivateGradient(realImages, labels, fakeImages, fakeLabels, privacy, expectedBatchSize);
        // Without DP an empty side leaves nothing to learn from (no gradient was computed); under
        // DP the noise is added whatever the batch, as the mechanism requires.
        if (privacy is not null || (n > 0 && fakeImages.shape[0] > 0))
        {
            Proximal?.AddToGradients();
            optimizer.step();
        }
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
            // Paired: record i's real and fake rows are clipped together. From the mix: one row, one
            // clipped gradient (real rows are the records, fake rows carry no record).
            var paired = Fakes == PrivateFakes.PairedWithRecords;
            using var perExample = PerExampleGradients.Compute(activations, realLoss.sum() + fakeLoss.sum(), rowsPerRecord: paired ? 2 : 1);
            var norms = perExample.Norms(NormMethod);
            var clipFactors = (dp.ClipNorm / (norms + 1e-6)).clamp_max(1.0);
            perExample.WriteWeightedSum(clipFactors);
            var recordNorms = paired ? norms : norms.narrow(0, 0, n);
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

    /// <summary>
    /// Whether the fakes are one per record with the record's label; the trainer passes the
    /// records' own label tensor, which spares comparing element by element (a sync per step).
    /// </summary>
    private static bool SameLabels(Tensor labels, Tensor fakeImages, Tensor fakeLabels) =>
        fakeImages.shape[0] == labels.shape[0] && (ReferenceEquals(fakeLabels, labels) || fakeLabels.eq(labels).all().item<bool>());

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

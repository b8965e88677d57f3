using FedGan.Learning.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Training;

/// <summary>
/// One optimiser step of D on a batch of real records and as many fake images.
///
/// Why the DP version is record-level DP: fake image i is generated with record i's label, so
/// record i influences two rows, its real row and its fake row. Both rows make up record i's
/// term of the loss, and it is the gradient of that whole term that is clipped to C. No other
/// row depends on record i (D and G have no batch statistics; G's weights and the noise z are
/// independent of the data in this step), so adding or removing a record changes the clipped
/// sum by at most C in L2 norm, and Gaussian noise N(0, (sigma C)^2) on the sum makes the step a
/// subsampled Gaussian mechanism with noise multiplier sigma. Dividing by the expected, not the
/// drawn, batch size keeps the batch size out of the output. G's steps only read D's (already
/// private) weights, so they are post-processing (see DESIGN.md, Privacy model).
/// </summary>
public sealed class DiscriminatorStep
{
    private const int RowsPerRecord = 2;
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
    /// Updates D. <paramref name="expectedBatchSize"/> (qN) divides the noisy sum under DP-SGD;
    /// without DP the loss is the mean over the drawn batch.
    /// </summary>
    public DiscriminatorStepStats Take(Tensor realImages, Tensor labels, Tensor fakeImages, double expectedBatchSize)
    {
        var n = realImages.shape[0];
        if (fakeImages.shape[0] != n || labels.shape[0] != n)
            throw new ArgumentException($"Need one fake image and one label per real image, got {n} real, {fakeImages.shape[0]} fake, {labels.shape[0]} labels.");
        if (!(expectedBatchSize > 0))
            throw new ArgumentException($"The expected batch size must be positive, not {expectedBatchSize}.");

        using var scope = NewDisposeScope();
        var stats = privacy is null ? StandardGradient(realImages, labels, fakeImages) : PrivateGradient(realImages, labels, fakeImages, privacy, expectedBatchSize);
        if (privacy is not null || n > 0)
            optimizer.step();
        return stats;
    }

    private DiscriminatorStepStats StandardGradient(Tensor realImages, Tensor labels, Tensor fakeImages)
    {
        var n = realImages.shape[0];
        if (n == 0)
            return new DiscriminatorStepStats(0, 0, 0, 0);
        optimizer.zero_grad();
        var (scores, loss) = SummedLoss(realImages, labels, fakeImages, activations: null);
        loss = loss / n;
        loss.backward();
        return Summarize(n, loss, scores, null, null);
    }

    private DiscriminatorStepStats PrivateGradient(Tensor realImages, Tensor labels, Tensor fakeImages, DpSgdSettings dp, double expectedBatchSize)
    {
        var n = realImages.shape[0];
        DiscriminatorStepStats stats;
        if (n == 0)
        {
            foreach (var parameter in parameters)
                SetZeroGradient(parameter);
            stats = new DiscriminatorStepStats(0, 0, 0, 0, 0, 0);
        }
        else
        {
            var activations = new LayerActivations();
            var (scores, summedLoss) = SummedLoss(realImages, labels, fakeImages, activations);
            using var perExample = PerExampleGradients.Compute(activations, summedLoss, RowsPerRecord);
            var norms = perExample.Norms(NormMethod);
            var clipFactors = (dp.ClipNorm / (norms + 1e-6)).clamp_max(1.0);
            perExample.WriteWeightedSum(clipFactors);
            stats = Summarize(n, summedLoss / n, scores, norms.mean().item<float>(), norms.gt(dp.ClipNorm).to(float32).mean().item<float>());
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

    /// <summary>D's scores on [real rows; fake rows] and the loss summed over all rows.</summary>
    private (Tensor Scores, Tensor Loss) SummedLoss(Tensor realImages, Tensor labels, Tensor fakeImages, LayerActivations? activations)
    {
        var n = realImages.shape[0];
        var images = cat([realImages, fakeImages]);
        var rowLabels = cat([labels, labels]);
        if (ClassLossWeight == 0)
        {
            var scores = discriminator.Score(images, rowLabels, activations);
            return (scores, GanLosses.DiscriminatorPerRow(scores, n).sum());
        }

        var (withClasses, classLogits) = discriminator.ScoreAndClassify(images, rowLabels, activations);
        // Real rows only: classifying G's images would teach D G's mistakes.
        var classification = GanLosses.ClassificationPerRow(classLogits.narrow(0, 0, n), labels).sum();
        return (withClasses, GanLosses.DiscriminatorPerRow(withClasses, n).sum() + ClassLossWeight * classification);
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
            scores.narrow(0, n, n).mean().item<float>(),
            meanNorm,
            clipped);
}

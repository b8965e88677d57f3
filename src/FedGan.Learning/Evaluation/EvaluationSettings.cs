namespace FedGan.Learning.Evaluation;

/// <summary>
/// How a generator is scored. <paramref name="SyntheticImages"/> labelled images (classes in
/// equal shares) train the TSTR classifier; <paramref name="FrechetSamples"/> images per side
/// enter each Frechet distance. <paramref name="RareClass"/>, when set, is reported separately.
/// </summary>
public sealed record EvaluationSettings(
    int SyntheticImages = 10_000,
    int FrechetSamples = 10_000,
    int? RareClass = null,
    ulong Seed = 7)
{
    /// <summary>Recipe for the TSTR classifier trained on synthetic images.</summary>
    public ClassifierTrainingSettings Tstr { get; init; } = new(Epochs: 5);

    /// <summary>Recipe for the cached evaluation classifier trained on the real training set.</summary>
    public ClassifierTrainingSettings EvaluationClassifier { get; init; } = new(Epochs: 3);

    public EvaluationSettings Validate()
    {
        if (SyntheticImages < 10)
            throw new ArgumentException($"TSTR needs at least 10 synthetic images, not {SyntheticImages}.");
        if (FrechetSamples < 2)
            throw new ArgumentException($"A Frechet distance needs at least 2 samples per side, not {FrechetSamples}.");
        Tstr.Validate();
        EvaluationClassifier.Validate();
        return this;
    }
}

/// <summary>
/// A generator's scores. TSTR: a classifier trained on synthetic images only, tested on the real
/// test set. Frechet distance: in the evaluation CNN's feature space, synthetic vs real test; the
/// floor is real training images vs real test, the best a perfect generator could expect.
/// </summary>
public sealed record GanEvaluation(
    double TstrAccuracy,
    IReadOnlyList<double> PerClassRecall,
    double? RareClassRecall,
    double FrechetDistance,
    double FrechetDistanceFloor,
    int SyntheticImages);

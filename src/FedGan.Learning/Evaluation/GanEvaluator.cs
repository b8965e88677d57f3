using FedGan.Learning.Data;
using FedGan.Learning.Models;
using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.Learning.Evaluation;

/// <summary>
/// Scores generators against one real data set: holds the cached evaluation CNN, the real test
/// set and its features, and the Frechet floor, which are the same for every generator scored.
/// </summary>
public sealed class GanEvaluator : IDisposable
{
    private readonly ImageClassifier classifier;
    private readonly TrainingImages test;
    private readonly Tensor testFeatures;
    private readonly EvaluationSettings settings;

    private GanEvaluator(ImageClassifier classifier, TrainingImages test, Tensor testFeatures, EvaluationSettings settings, double floor, double realAccuracy, bool fromCache)
    {
        this.classifier = classifier;
        this.test = test;
        this.testFeatures = testFeatures;
        this.settings = settings;
        FrechetDistanceFloor = floor;
        RealDataAccuracy = realAccuracy;
        ClassifierFromCache = fromCache;
    }

    /// <summary>Frechet distance between real training and real test features.</summary>
    public double FrechetDistanceFloor { get; }

    /// <summary>Test accuracy of the evaluation CNN, trained on the real training set: a ceiling for TSTR.</summary>
    public double RealDataAccuracy { get; }

    public bool ClassifierFromCache { get; }

    /// <param name="progress">Called with (stage, done, total).</param>
    public static GanEvaluator Create(LabeledImages realTrain, LabeledImages realTest, EvaluationSettings settings, string cacheDirectory, Action<string, int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(realTrain);
        ArgumentNullException.ThrowIfNull(realTest);
        settings.Validate();
        if (realTrain.Height != realTest.Height || realTrain.ClassNames.Count != realTest.ClassNames.Count)
            throw new ArgumentException("The real training and test sets differ in image size or classes.");
        if (settings.RareClass is { } rare && (rare < 0 || rare >= realTrain.ClassNames.Count))
            throw new ArgumentException($"Rare class {rare} is not one of the {realTrain.ClassNames.Count} classes.");

        var (classifier, fromCache) = EvaluationClassifierCache.LoadOrTrain(
            realTrain, settings.EvaluationClassifier, cacheDirectory, (done, total) => progress?.Invoke("evaluation classifier", done, total));
        var test = new TrainingImages(realTest);
        var testFeatures = ClassifierTraining.MapInBatches(test.Images, classifier.Features);
        var realAccuracy = ClassificationScore.Measure(classifier, test.Images, test.Labels).Accuracy;

        var random = new Random((int)(settings.Seed % int.MaxValue));
        var sample = Enumerable.Range(0, realTrain.Count).OrderBy(_ => random.Next()).Take(Math.Min(settings.FrechetSamples, realTrain.Count)).ToArray();
        using var trainSample = new TrainingImages(realTrain.Subset(sample));
        using var trainFeatures = ClassifierTraining.MapInBatches(trainSample.Images, classifier.Features);
        var floor = FrechetDistance.Between(trainFeatures, LimitRows(testFeatures, settings.FrechetSamples));
        return new GanEvaluator(classifier, test, testFeatures, settings, floor, realAccuracy, fromCache);
    }

    public GanEvaluation Evaluate(ConditionalGenerator generator, Action<string, int, int>? progress = null)
    {
        if (generator.Architecture.ImageSize != test.ImageSize || generator.Architecture.Classes != test.Classes)
            throw new ArgumentException("The generator's image size or classes differ from the evaluation data's.");
        using var scope = NewDisposeScope();
        var random = new Generator(settings.Seed);

        var (images, labels) = Synthesize(generator, settings.SyntheticImages, random);
        manual_seed((long)settings.Tstr.Seed);
        var tstrClassifier = new ImageClassifier(test.ImageSize, test.Classes);
        ClassifierTraining.Train(tstrClassifier, images, labels, settings.Tstr, (done, total) => progress?.Invoke("TSTR classifier", done, total));
        var score = ClassificationScore.Measure(tstrClassifier, test.Images, test.Labels);
        tstrClassifier.Dispose();

        var (frechetImages, _) = Synthesize(generator, settings.FrechetSamples, random);
        var syntheticFeatures = ClassifierTraining.MapInBatches(frechetImages, classifier.Features);
        var distance = FrechetDistance.Between(syntheticFeatures, LimitRows(testFeatures, settings.FrechetSamples));

        double? rareRecall = settings.RareClass is { } rare ? score.PerClassRecall[rare] : null;
        return new GanEvaluation(score.Accuracy, score.PerClassRecall, rareRecall, distance, FrechetDistanceFloor, settings.SyntheticImages);
    }

    public void Dispose()
    {
        classifier.Dispose();
        test.Dispose();
        testFeatures.Dispose();
    }

    /// <summary>count images, labels cycling through the classes so each class gets an equal share.</summary>
    private static (Tensor Images, Tensor Labels) Synthesize(ConditionalGenerator generator, int count, Generator random)
    {
        var labels = arange(count, dtype: int64).remainder(generator.Architecture.Classes);
        var images = ClassifierTraining.MapInBatches(labels, batch => FakeImages.Generate(generator, batch, random), batchSize: 500);
        return (images, labels);
    }

    private static Tensor LimitRows(Tensor features, int rows) =>
        features.shape[0] <= rows ? features : features.narrow(0, 0, rows);
}

using FedGan.Learning.Data;
using FedGan.Learning.Evaluation;
using FedGan.Learning.Tests.Data;
using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Evaluation;

public class EvaluationClassifierCacheTests
{
    [Fact]
    public void Classifier_is_trained_once_then_loaded_with_identical_weights()
    {
        using var folder = new TempFolder();
        var train = FashionMnist.LoadTrain().Subset(Enumerable.Range(0, 600).ToArray());
        var settings = new ClassifierTrainingSettings(Epochs: 1, BatchSize: 100);

        var (trained, firstFromCache) = EvaluationClassifierCache.LoadOrTrain(train, settings, folder.Root);
        var (loaded, secondFromCache) = EvaluationClassifierCache.LoadOrTrain(train, settings, folder.Root);

        Assert.False(firstFromCache);
        Assert.True(secondFromCache);
        Assert.True(File.Exists(EvaluationClassifierCache.PathFor(train, settings, folder.Root)));
        using var images = new TrainingImages(train.Subset([0, 1, 2]));
        using var noGrad = no_grad();
        Assert.Equal(trained.forward(images.Images).data<float>().ToArray(), loaded.forward(images.Images).data<float>().ToArray());
    }

    [Fact]
    public void Different_data_or_recipe_gets_a_different_cache_entry()
    {
        var data = FashionMnist.LoadTest();
        var a = data.Subset(Enumerable.Range(0, 100).ToArray());
        var b = data.Subset(Enumerable.Range(1, 100).ToArray());
        var settings = new ClassifierTrainingSettings();
        Assert.NotEqual(EvaluationClassifierCache.PathFor(a, settings, "/c"), EvaluationClassifierCache.PathFor(b, settings, "/c"));
        Assert.NotEqual(EvaluationClassifierCache.PathFor(a, settings, "/c"), EvaluationClassifierCache.PathFor(a, settings with { Epochs = 4 }, "/c"));
        Assert.Equal(EvaluationClassifierCache.PathFor(a, settings, "/c"), EvaluationClassifierCache.PathFor(a.Subset(Enumerable.Range(0, 100).ToArray()), settings, "/c"));
    }
}

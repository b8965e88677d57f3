using FedGan.Learning.Data;
using FedGan.Learning.Models;
using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Training;

public class ClassLossTests
{
    [Fact]
    public void Under_dp_sgd_the_class_loss_teaches_d_to_classify_real_images_it_never_saw()
    {
        var withLoss = HeldOutAccuracyOfDsClassLogits(classLossWeight: 1);
        var withoutLoss = HeldOutAccuracyOfDsClassLogits(classLossWeight: 0);

        // Ten balanced-ish classes: chance is about 0.1.
        Assert.True(withLoss > 0.5, $"D's class logits classify {withLoss:P1} of held-out test images");
        Assert.True(withLoss > withoutLoss + 0.15, $"with the class loss {withLoss:P1}, without {withoutLoss:P1}");
    }

    [Fact]
    public void A_generator_step_with_the_class_loss_makes_its_images_read_more_as_the_class_asked_for()
    {
        manual_seed(4);
        using var model = new ConditionalGan(new GanArchitecture(GeneratorWidth: 16, DiscriminatorWidth: 8));
        using var data = new TrainingImages(FashionMnist.LoadTrain().Subset(Enumerable.Range(0, 2000).ToArray()));
        // First teach D the classes (D steps only), so its class logits mean something.
        var dOnly = new GanTrainingSettings(ExpectedBatchSize: 64, DiscriminatorStepsPerGeneratorStep: 1000, DiscriminatorLearningRate: 1e-3, ClassLossWeight: 1);
        new LocalGanTrainer(model, data, dOnly, privacy: null, seed: 5).Train(150);

        var z = randn(500, model.Architecture.LatentDim, generator: new Generator(9));
        var labels = arange(500, dtype: int64).remainder(10);
        var before = GeneratedClassLoss(model, z, labels);
        var gSettings = new GanTrainingSettings(GeneratorBatchSize: 64, GeneratorLearningRate: 1e-3, ClassLossWeight: 1);
        var step = new GeneratorStep(model, optim.Adam(model.Generator.parameters(), 1e-3, 0.5, 0.999), new Generator(6),
            GeneratorLabelMix.Uniform(10), gSettings.ClassLossWeight);
        for (var i = 0; i < 60; i++)
            step.Take(gSettings.GeneratorBatchSize);
        var after = GeneratedClassLoss(model, z, labels);

        Assert.True(after < 0.8 * before, $"cross-entropy of D's classes on G's images went from {before:F3} to {after:F3}");
    }

    private static double HeldOutAccuracyOfDsClassLogits(double classLossWeight)
    {
        manual_seed(7);
        using var model = new ConditionalGan(new GanArchitecture(GeneratorWidth: 16, DiscriminatorWidth: 8));
        using var data = new TrainingImages(FashionMnist.LoadTrain().Subset(Enumerable.Range(0, 2000).ToArray()));
        var settings = new GanTrainingSettings(ExpectedBatchSize: 64, DiscriminatorStepsPerGeneratorStep: 1000,
            DiscriminatorLearningRate: 1e-3, ClassLossWeight: classLossWeight);
        var trainer = new LocalGanTrainer(model, data, settings, new DpSgdSettings(NoiseMultiplier: 0.6, ClipNorm: 1), seed: 3);
        trainer.Train(200);

        using var test = new TrainingImages(FashionMnist.LoadTest().Subset(Enumerable.Range(0, 1000).ToArray()));
        using var noGrad = no_grad();
        var (_, logits) = model.Discriminator.ScoreAndClassify(test.Images, test.Labels, activations: null);
        return logits.argmax(1).eq(test.Labels).to(float32).mean().item<float>();
    }

    private static double GeneratedClassLoss(ConditionalGan model, Tensor z, Tensor labels)
    {
        using var noGrad = no_grad();
        var (_, logits) = model.Discriminator.ScoreAndClassify(model.Generator.forward(z, labels), labels, activations: null);
        return GanLosses.ClassificationPerRow(logits, labels).mean().item<float>();
    }
}

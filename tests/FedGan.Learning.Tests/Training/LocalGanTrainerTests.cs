using FedGan.Learning.Data;
using FedGan.Learning.Models;
using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Training;

public class LocalGanTrainerTests
{
    private const double LearningRate = 1e-3;

    [Fact]
    public void After_a_restart_the_next_step_is_adams_first_step_again()
    {
        // Adam's first step from zero moments moves every coordinate with a gradient by the learning
        // rate times the sign of that gradient (bias correction makes m / sqrt(v) = g / |g|). Later
        // steps, with moments carried over, do not: so a restart shows in the step after it.
        var restarted = ChangesOfOneStepAfterTraining(restart: true);
        var carried = ChangesOfOneStepAfterTraining(restart: false);

        var moved = restarted.Where(c => c > 0).ToArray();
        Assert.True(moved.Length > restarted.Length / 2, $"only {moved.Length} of {restarted.Length} weights moved");
        Assert.All(moved, c => Assert.Equal(LearningRate, c, LearningRate * 1e-2));
        Assert.True(carried.Count(c => c > 0 && Math.Abs(c - LearningRate) > LearningRate * 1e-2) > carried.Length / 4,
            "without a restart most steps should differ from Adam's first step");
    }

    private static float[] ChangesOfOneStepAfterTraining(bool restart)
    {
        manual_seed(3);
        using var model = new ConditionalGan(new GanArchitecture(GeneratorWidth: 16, DiscriminatorWidth: 8));
        using var data = new TrainingImages(FashionMnist.LoadTrain().Subset(Enumerable.Range(0, 300).ToArray()));
        // D steps only (no G step within these), so only D's optimiser is observed.
        var settings = new GanTrainingSettings(ExpectedBatchSize: 32, DiscriminatorStepsPerGeneratorStep: 100,
            DiscriminatorLearningRate: LearningRate);
        var trainer = new LocalGanTrainer(model, data, settings, null, seed: 11);
        trainer.Train(5);
        if (restart)
            trainer.RestartOptimizers();

        var weight = model.Discriminator.named_parameters().First(p => p.parameter.dim() == 4).parameter;
        using var before = weight.detach().clone();
        trainer.Train(1);
        using var change = (weight.detach() - before).abs().flatten();
        return change.data<float>().ToArray();
    }
}

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

    [Fact]
    public void Restarting_only_the_generator_keeps_the_discriminators_moments()
    {
        // One D step and one G step after the restart: G's is Adam's first step again (every
        // weight with a gradient moves by the learning rate), D's is not.
        manual_seed(3);
        using var model = new ConditionalGan(new GanArchitecture(GeneratorWidth: 16, DiscriminatorWidth: 8));
        using var data = new TrainingImages(FashionMnist.LoadTrain().Subset(Enumerable.Range(0, 300).ToArray()));
        var settings = new GanTrainingSettings(ExpectedBatchSize: 32, DiscriminatorLearningRate: LearningRate, GeneratorLearningRate: LearningRate);
        var trainer = new LocalGanTrainer(model, data, settings, null, seed: 11);
        trainer.Train(5);
        trainer.RestartGeneratorOptimizer();

        var dWeight = model.Discriminator.named_parameters().First(p => p.parameter.dim() == 4).parameter;
        var gWeight = model.Generator.named_parameters().First(p => p.parameter.dim() == 4).parameter;
        using var dBefore = dWeight.detach().clone();
        using var gBefore = gWeight.detach().clone();
        trainer.Train(1);
        using var dChange = (dWeight.detach() - dBefore).abs().flatten();
        using var gChange = (gWeight.detach() - gBefore).abs().flatten();
        var g = gChange.data<float>().ToArray();
        var d = dChange.data<float>().ToArray();

        // |step| = lr |g| / (|g| + 1e-8): weights whose gradient is below about 1e-6 move a little less.
        var moved = g.Where(c => c > 0).ToArray();
        Assert.True(moved.Length > g.Length / 2, $"only {moved.Length} of {g.Length} of G's weights moved");
        Assert.All(moved, c => Assert.True(c <= LearningRate * 1.01, $"a first Adam step of {c} exceeds the learning rate"));
        Assert.True(moved.Count(c => Math.Abs(c - LearningRate) <= LearningRate * 1e-2) > 0.95 * moved.Length,
            "most of G's weights should move by the learning rate");
        Assert.True(d.Count(c => c > 0 && Math.Abs(c - LearningRate) > LearningRate * 1e-2) > d.Length / 4,
            "D's moments carried over, so most of its steps should differ from Adam's first step");
    }

    [Fact]
    public void A_trainer_that_loads_saved_optimizers_continues_with_their_moments()
    {
        // A site's trainer for the next round is a new object: with the saved state loaded its
        // first D step is not Adam's first step (which would move every weight by the learning
        // rate), and D's moments and step count are those that were saved.
        manual_seed(3);
        using var model = new ConditionalGan(new GanArchitecture(GeneratorWidth: 16, DiscriminatorWidth: 8));
        using var data = new TrainingImages(FashionMnist.LoadTrain().Subset(Enumerable.Range(0, 300).ToArray()));
        var settings = new GanTrainingSettings(ExpectedBatchSize: 32, DiscriminatorStepsPerGeneratorStep: 2,
            DiscriminatorLearningRate: LearningRate, GeneratorLearningRate: LearningRate);
        var folder = Directory.CreateTempSubdirectory("fedgan-optimizers-").FullName;
        try
        {
            var first = new LocalGanTrainer(model, data, settings, null, seed: 11);
            first.Train(6);
            first.SaveOptimizers(Path.Combine(folder, "d.adam"), Path.Combine(folder, "g.adam"));
            var saved = AdamState(first);

            var next = new LocalGanTrainer(model, data, settings, null, seed: 12);
            next.LoadOptimizers(Path.Combine(folder, "d.adam"), Path.Combine(folder, "g.adam"));
            var loaded = AdamState(next);
            Assert.Equal(saved.Step, loaded.Step);
            Assert.Equal(6, loaded.Step);
            Assert.True(saved.Moments.SequenceEqual(loaded.Moments), "the loaded moments differ from the saved ones");

            var weight = model.Discriminator.named_parameters().First(p => p.parameter.dim() == 4).parameter;
            using var before = weight.detach().clone();
            next.Train(1);
            using var change = (weight.detach() - before).abs().flatten();
            var changes = change.data<float>().ToArray();
            Assert.True(changes.Count(c => c > 0 && Math.Abs(c - LearningRate) > LearningRate * 1e-2) > changes.Length / 4,
                "with the moments loaded most steps should differ from Adam's first step");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>D's first parameter's Adam step count and first moment, read from the optimizer.</summary>
    private static (long Step, float[] Moments) AdamState(LocalGanTrainer trainer)
    {
        var optimizer = (TorchSharp.Modules.OptimizerHelper)trainer.DiscriminatorOptimizer;
        var state = (TorchSharp.Modules.Adam.State)optimizer.state_dict().State[0];
        return (state.step, state.exp_avg.flatten().data<float>().ToArray());
    }

    [Theory]
    [InlineData(1.0, 0.5)]
    [InlineData(0.5, -0.1)]
    public void Adam_momentum_outside_zero_to_one_is_refused(double discriminatorBeta1, double generatorBeta1) =>
        Assert.Throws<ArgumentException>(() =>
            new GanTrainingSettings(DiscriminatorBeta1: discriminatorBeta1, GeneratorBeta1: generatorBeta1).Validate());

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

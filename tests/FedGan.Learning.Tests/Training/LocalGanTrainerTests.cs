using FedGan.Learning.Data;
using FedGan.Learning.Models;
using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Training;

/// <summary>
/// What happens to the optimisers between rounds. Adam's first step from zero moments moves every
/// coordinate with a gradient by the learning rate times the sign of that gradient (bias
/// correction makes m / sqrt(v) = g / |g|; Kingma and Ba 2015). Later steps, with moments carried
/// over, do not: so whether a trainer starts afresh shows in the step it takes next.
/// </summary>
public class LocalGanTrainerTests
{
    private const double LearningRate = 1e-3;

    [Fact]
    public void After_a_restart_the_next_step_is_adams_first_step_again()
    {
        // D steps only (no G step within these), so only D's optimiser is observed.
        var settings = new GanTrainingSettings(ExpectedBatchSize: 32, DiscriminatorStepsPerGeneratorStep: 100, DiscriminatorLearningRate: LearningRate);
        float[] DiscriminatorStepAfterTraining(bool restart)
        {
            using var model = NewModel();
            using var data = NewData();
            var trainer = new LocalGanTrainer(model, data, settings, null, seed: 11);
            trainer.Train(5);
            if (restart)
                trainer.RestartOptimizers();
            return ChangesOfOneStep(model, trainer).D;
        }

        AssertAdamsFirstStep(DiscriminatorStepAfterTraining(restart: true), "D after a restart");
        AssertNotAdamsFirstStep(DiscriminatorStepAfterTraining(restart: false), "D without a restart");
    }

    [Fact]
    public void Restarting_only_the_generator_keeps_the_discriminators_moments()
    {
        // One D step and one G step after the restart: G's is Adam's first step again, D's is not.
        using var model = NewModel();
        using var data = NewData();
        var trainer = new LocalGanTrainer(model, data, Settings(), null, seed: 11);
        trainer.Train(5);
        trainer.RestartGeneratorOptimizer();

        var (d, g) = ChangesOfOneStep(model, trainer);

        AssertAdamsFirstStep(g, "G after its restart");
        AssertNotAdamsFirstStep(d, "D, whose moments carried over");
    }

    [Fact]
    public void A_trainer_that_loads_saved_optimizers_continues_with_their_moments()
    {
        // A site's trainer for the next round is a new object: with the saved state loaded, D's
        // moments and step count are those that were saved, and its first step is not Adam's first.
        using var model = NewModel();
        using var data = NewData();
        var folder = Directory.CreateTempSubdirectory("fedgan-optimizers-").FullName;
        try
        {
            var first = new LocalGanTrainer(model, data, Settings(), null, seed: 11);
            first.Train(6);
            first.SaveOptimizers(Path.Combine(folder, "d.adam"), Path.Combine(folder, "g.adam"));
            var saved = AdamState(first);

            var next = new LocalGanTrainer(model, data, Settings(), null, seed: 12);
            next.LoadOptimizers(Path.Combine(folder, "d.adam"), Path.Combine(folder, "g.adam"));
            var loaded = AdamState(next);

            Assert.Equal(6, saved.Step);
            Assert.Equal(saved.Step, loaded.Step);
            Assert.True(saved.Moments.SequenceEqual(loaded.Moments), "the loaded moments differ from the saved ones");
            AssertNotAdamsFirstStep(ChangesOfOneStep(model, next).D, "D with its moments loaded");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_learning_rate_factor_scales_adams_first_steps_of_d_and_g()
    {
        // A G step falls due after every 2 D steps: D's first step comes alone, G's with D's second.
        using var model = NewModel();
        using var data = NewData();
        var trainer = new LocalGanTrainer(model, data, Settings(), null, seed: 11) { LearningRateFactor = 0.25 };

        var (d, _) = ChangesOfOneStep(model, trainer);
        var (_, g) = ChangesOfOneStep(model, trainer);

        AssertAdamsFirstStep(d, "D at a quarter of its rate", LearningRate * 0.25);
        AssertAdamsFirstStep(g, "G at a quarter of its rate", LearningRate * 0.25);
    }

    [Fact]
    public void The_learning_rate_factor_holds_after_the_optimizers_restart()
    {
        var settings = new GanTrainingSettings(ExpectedBatchSize: 32, DiscriminatorStepsPerGeneratorStep: 100, DiscriminatorLearningRate: LearningRate);
        using var model = NewModel();
        using var data = NewData();
        var trainer = new LocalGanTrainer(model, data, settings, null, seed: 11);
        trainer.Train(3);
        trainer.LearningRateFactor = 0.5;
        trainer.RestartOptimizers();

        AssertAdamsFirstStep(ChangesOfOneStep(model, trainer).D, "D restarted at half its rate", LearningRate * 0.5);
    }

    [Fact]
    public void Loaded_optimizers_step_at_the_loading_trainers_rate_not_the_saved_one()
    {
        // Two trainers load the same saved moments into the same weights and draw the same batch:
        // Adam's step is the rate times a function of gradient and moments, so the one at half the
        // rate moves every weight by exactly half as much.
        var folder = Directory.CreateTempSubdirectory("fedgan-optimizers-").FullName;
        try
        {
            var dPath = Path.Combine(folder, "d.adam");
            var gPath = Path.Combine(folder, "g.adam");
            using (var model = NewModel())
            using (var data = NewData())
            {
                var first = new LocalGanTrainer(model, data, Settings(), null, seed: 11);
                first.Train(6);
                first.SaveOptimizers(dPath, gPath);
            }

            float[] StepAfterLoading(double factor)
            {
                using var model = NewModel();
                using var data = NewData();
                var next = new LocalGanTrainer(model, data, Settings(), null, seed: 12) { LearningRateFactor = factor };
                next.LoadOptimizers(dPath, gPath);
                return ChangesOfOneStep(model, next).D;
            }

            var full = StepAfterLoading(1);
            var half = StepAfterLoading(0.5);
            Assert.True(full.Count(c => c > 0) > full.Length / 2, "D's weights should move");
            for (var i = 0; i < full.Length; i++)
                Assert.True(Math.Abs(half[i] - full[i] / 2) <= 1e-3 * full[i] + 1e-9, $"weight {i}: {half[i]} at half the rate against {full[i]} at the full rate");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_learning_rate_factor_outside_zero_to_one_is_refused(double factor)
    {
        using var model = NewModel();
        using var data = NewData();
        var trainer = new LocalGanTrainer(model, data, Settings(), null, seed: 11);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.LearningRateFactor = factor);
    }

    [Theory]
    [InlineData(1.0, 0.5)]
    [InlineData(0.5, -0.1)]
    public void Adam_momentum_outside_zero_to_one_is_refused(double discriminatorBeta1, double generatorBeta1) =>
        Assert.Throws<ArgumentException>(() =>
            new GanTrainingSettings(DiscriminatorBeta1: discriminatorBeta1, GeneratorBeta1: generatorBeta1).Validate());

    private static GanTrainingSettings Settings() =>
        new(ExpectedBatchSize: 32, DiscriminatorStepsPerGeneratorStep: 2, DiscriminatorLearningRate: LearningRate, GeneratorLearningRate: LearningRate);

    private static ConditionalGan NewModel()
    {
        manual_seed(3);
        return new ConditionalGan(new GanArchitecture(GeneratorWidth: 16, DiscriminatorWidth: 8));
    }

    private static TrainingImages NewData() => new(FashionMnist.LoadTrain().Subset(Enumerable.Range(0, 300).ToArray()));

    /// <summary>How far each weight of D's and G's first convolution moved in one more D step (and the G step, if one falls due).</summary>
    private static (float[] D, float[] G) ChangesOfOneStep(ConditionalGan model, LocalGanTrainer trainer)
    {
        var dWeight = model.Discriminator.named_parameters().First(p => p.parameter.dim() == 4).parameter;
        var gWeight = model.Generator.named_parameters().First(p => p.parameter.dim() == 4).parameter;
        using var dBefore = dWeight.detach().clone();
        using var gBefore = gWeight.detach().clone();
        trainer.Train(1);
        using var dChange = (dWeight.detach() - dBefore).abs().flatten();
        using var gChange = (gWeight.detach() - gBefore).abs().flatten();
        return (dChange.data<float>().ToArray(), gChange.data<float>().ToArray());
    }

    private static void AssertAdamsFirstStep(float[] changes, string what, double rate = LearningRate)
    {
        // |step| = lr |g| / (|g| + 1e-8): weights whose gradient is below about 1e-6 move a little less.
        var moved = changes.Where(c => c > 0).ToArray();
        Assert.True(moved.Length > changes.Length / 2, $"{what}: only {moved.Length} of {changes.Length} weights moved");
        Assert.All(moved, c => Assert.True(c <= rate * 1.01, $"{what}: a first Adam step of {c} exceeds the learning rate {rate}"));
        Assert.True(moved.Count(c => Math.Abs(c - rate) <= rate * 1e-2) > 0.95 * moved.Length,
            $"{what}: most weights should move by the learning rate {rate}");
    }

    private static void AssertNotAdamsFirstStep(float[] changes, string what) =>
        Assert.True(changes.Count(c => c > 0 && Math.Abs(c - LearningRate) > LearningRate * 1e-2) > changes.Length / 4,
            $"{what}: most steps should differ from Adam's first step");

    /// <summary>D's first parameter's Adam step count and first moment, read from the optimizer.</summary>
    private static (long Step, float[] Moments) AdamState(LocalGanTrainer trainer)
    {
        var optimizer = (TorchSharp.Modules.OptimizerHelper)trainer.DiscriminatorOptimizer;
        var state = (TorchSharp.Modules.Adam.State)optimizer.state_dict().State[0];
        return (state.step, state.exp_avg.flatten().data<float>().ToArray());
    }
}

using FedGan.EdgeTrainer.Local;
using FedGan.Learning.Data;
using FedGan.Learning.Models;
using FedGan.Learning.Training;
using static TorchSharp.torch;

namespace FedGan.EdgeTrainer.Tests;

public sealed class OptimizerStateStoreTests : IDisposable
{
    private const double LearningRate = 1e-3;
    private static readonly GanArchitecture Architecture = new(GeneratorWidth: 16, DiscriminatorWidth: 8);
    private static readonly GanTrainingSettings Settings = new(ExpectedBatchSize: 32, DiscriminatorStepsPerGeneratorStep: 2,
        DiscriminatorLearningRate: LearningRate, GeneratorLearningRate: LearningRate);

    private readonly string stateDirectory = Directory.CreateTempSubdirectory("fedgan-edge-optimizers-").FullName;
    private readonly ConditionalGan model = new(Architecture);
    private readonly TrainingImages data = new(FashionMnist.LoadTrain().Subset(Enumerable.Range(0, 300).ToArray()));

    [Fact]
    public void The_next_round_continues_with_the_moments_the_last_round_saved()
    {
        var store = OptimizerStateStore.ForStudy(stateDirectory, "study-a");
        var fingerprint = OptimizerStateStore.Fingerprint.Of(Architecture, Settings);
        var round3 = new LocalGanTrainer(model, data, Settings, null, seed: 1);
        round3.Train(6);
        store.Save(round3, fingerprint, afterRound: 3);

        var round4 = new LocalGanTrainer(model, data, Settings, null, seed: 2);
        Assert.Equal((3, (string?)null), store.TryRestore(round4, fingerprint));

        // Adam's first step from fresh moments moves every weight with a gradient by the learning
        // rate; with the moments restored most of D's weights move by something else.
        var changes = DiscriminatorChangesOfOneStep(round4);
        Assert.True(changes.Count(c => c > 0 && Math.Abs(c - LearningRate) > LearningRate * 1e-2) > changes.Length / 4,
            "the restored trainer took Adam's first step");
    }

    [Fact]
    public void State_saved_for_other_settings_for_another_study_or_damaged_is_not_used()
    {
        var fingerprint = OptimizerStateStore.Fingerprint.Of(Architecture, Settings);
        var store = OptimizerStateStore.ForStudy(stateDirectory, "study-a");
        var trained = new LocalGanTrainer(model, data, Settings, null, seed: 1);
        trained.Train(4);
        store.Save(trained, fingerprint, afterRound: 1);
        var fresh = new LocalGanTrainer(model, data, Settings, null, seed: 2);

        var otherRate = OptimizerStateStore.Fingerprint.Of(Architecture, Settings with { DiscriminatorLearningRate = 5e-4 });
        var (round, why) = store.TryRestore(fresh, otherRate);
        Assert.Null(round);
        Assert.Contains("other optimizer settings", why);

        (round, why) = OptimizerStateStore.ForStudy(stateDirectory, "study-b").TryRestore(fresh, fingerprint);
        Assert.Null(round);
        Assert.Contains("no optimizer state", why);

        foreach (var file in Directory.GetFiles(Path.Combine(stateDirectory, "optimizers", "study-a"), "*.adam"))
            File.WriteAllBytes(file, [1, 2, 3]);
        (round, why) = store.TryRestore(fresh, fingerprint);
        Assert.Null(round);
        Assert.Contains("could not be read", why);

        // None of it touched the trainer: its next step is Adam's first.
        var changes = DiscriminatorChangesOfOneStep(fresh).Where(c => c > 0).ToArray();
        Assert.True(changes.Count(c => Math.Abs(c - LearningRate) <= LearningRate * 1e-2) > 0.95 * changes.Length,
            "a trainer that restored nothing should take Adam's first step");
    }

    private float[] DiscriminatorChangesOfOneStep(LocalGanTrainer trainer)
    {
        var weight = model.Discriminator.named_parameters().First(p => p.parameter.dim() == 4).parameter;
        using var before = weight.detach().clone();
        trainer.Train(1);
        using var change = (weight.detach() - before).abs().flatten();
        return change.data<float>().ToArray();
    }

    public void Dispose()
    {
        model.Dispose();
        data.Dispose();
        Directory.Delete(stateDirectory, recursive: true);
    }
}

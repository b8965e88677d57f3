using System.Text.Json;
using FedGan.Contracts;
using FedGan.Learning.Models;
using FedGan.Learning.Training;

namespace FedGan.EdgeTrainer.Local;

/// <summary>
/// This site's Adam state for one study, carried from each round it trains to the next. Under DP
/// the discriminator's second moments hold the running scale of its gradient noise; starting
/// Adam afresh every round throws that away and makes each round's first steps move every weight
/// by the full learning rate in the direction of mostly noise (federated DP runs at epsilon 10
/// score 0.618 TSTR with fresh optimizers each round against 0.654 with carried ones, see
/// docs/results.md). The state is computed from noised gradients only, so keeping it costs no
/// privacy; it stays on the hospital's disk and is never uploaded. It is only reused for the
/// same architecture and optimizer settings; anything else starts afresh.
/// </summary>
public sealed class OptimizerStateStore
{
    private readonly string directory;

    private OptimizerStateStore(string directory) => this.directory = directory;

    /// <summary>What the state was made for; a trainer with other settings does not reuse it.</summary>
    public sealed record Fingerprint(GanArchitecture Architecture, double DiscriminatorLearningRate, double GeneratorLearningRate,
        double DiscriminatorBeta1, double GeneratorBeta1, double Beta2)
    {
        public static Fingerprint Of(GanArchitecture architecture, GanTrainingSettings settings) =>
            new(architecture, settings.DiscriminatorLearningRate, settings.GeneratorLearningRate,
                settings.DiscriminatorBeta1, settings.GeneratorBeta1, settings.Beta2);
    }

    private sealed record Descriptor(Fingerprint Fingerprint, int AfterRound);

    /// <summary>The store of a study's state (study-wide, across rounds).</summary>
    public static OptimizerStateStore ForStudy(string stateDirectory, string studyId) =>
        new(Path.Combine(stateDirectory, "optimizers", studyId));

    /// <summary>The store in a round's checkpoint after <paramref name="steps"/>, so a resumed round continues with its moments.</summary>
    public static OptimizerStateStore ForCheckpoint(TaskWorkspace workspace, int steps) =>
        new(Path.Combine(workspace.CheckpointFolder(steps), "optimizers"));

    private string DiscriminatorFile => Path.Combine(directory, "discriminator.adam");

    private string GeneratorFile => Path.Combine(directory, "generator.adam");

    private string DescriptorFile => Path.Combine(directory, "optimizers.json");

    /// <summary>
    /// Loads the stored state into <paramref name="trainer"/> when there is one for the same
    /// fingerprint; returns the round it was saved after, or null (with why) when the trainer
    /// starts afresh.
    /// </summary>
    public (int? AfterRound, string? WhyFresh) TryRestore(LocalGanTrainer trainer, Fingerprint fingerprint)
    {
        if (!File.Exists(DescriptorFile))
            return (null, "no optimizer state saved yet");
        try
        {
            var descriptor = JsonSerializer.Deserialize<Descriptor>(File.ReadAllText(DescriptorFile), ContractJson.Options);
            if (descriptor is null || descriptor.Fingerprint != fingerprint)
                return (null, "the saved optimizer state is for another architecture or other optimizer settings");
            trainer.LoadOptimizers(DiscriminatorFile, GeneratorFile);
            return (descriptor.AfterRound, null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            // A damaged or foreign file costs the moments, never the round; nor does half a load
            // (D's state read, G's not) stay behind.
            trainer.RestartOptimizers();
            return (null, $"the saved optimizer state could not be read ({e.GetType().Name}: {e.Message})");
        }
    }

    /// <summary>Saves the trainer's state; the descriptor goes first and comes back last, so a crash midway leaves no state rather than a mix.</summary>
    public void Save(LocalGanTrainer trainer, Fingerprint fingerprint, int afterRound)
    {
        Directory.CreateDirectory(directory);
        File.Delete(DescriptorFile);
        trainer.SaveOptimizers(DiscriminatorFile, GeneratorFile);
        TaskWorkspace.AtomicWrite(DescriptorFile, JsonSerializer.Serialize(new Descriptor(fingerprint, afterRound), ContractJson.Options));
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using FedGan.Contracts.Studies;
using FedGan.Contracts.Updates;
using FedGan.EdgeTrainer.Local;
using FedGan.Learning.Data;
using FedGan.Learning.Models;
using FedGan.Learning.Training;
using FedGan.Tensors;
using Microsoft.Extensions.Options;
using TorchSharp;

namespace FedGan.EdgeTrainer.Training;

/// <summary>
/// Trains one round at this site: starts from the verified global weights (or the last checkpoint),
/// takes the task's DP-SGD discriminator steps with generator steps between them, and writes the
/// clipped (and optionally noised) update local - global to the workspace. Adam's state carries
/// over from this site's previous round of the study (see <see cref="OptimizerStateStore"/>) and
/// is checkpointed with the weights.
/// </summary>
public sealed class SiteRoundTrainer(IOptions<EdgeTrainerOptions> options, EdgeMetrics metrics, ILogger<SiteRoundTrainer> logger)
{
    public TrainedUpdate Train(TrainingTask task, LabeledImages images, TaskWorkspace workspace, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        using var activity = FedGanTelemetry.ActivitySource.StartActivity("edge.train");
        torch.set_num_threads(options.Value.TorchThreads);
        var architecture = new GanArchitecture(task.Architecture.ImageSize, task.Architecture.Classes, task.Architecture.LatentDim,
            task.Architecture.GeneratorWidth, task.Architecture.DiscriminatorWidth).Validate();
        var global = Safetensors.Load(workspace.GlobalWeights).Tensors;
        var stepsDone = workspace.ReadCheckpointSteps();

        using var scope = torch.NewDisposeScope();
        using var model = new ConditionalGan(architecture);
        ModelTensors.Import(model, stepsDone > 0 ? Safetensors.Load(workspace.CheckpointWeights(stepsDone)).Tensors : global);
        using var data = new TrainingImages(images);
        var expectedBatch = task.Privacy.SamplingRate * images.Count;
        if (expectedBatch < 1)
        {
            throw new InvalidOperationException(
                $"Sampling rate {task.Privacy.SamplingRate} on {images.Count} local images gives an expected batch below one image.");
        }

        var settings = new GanTrainingSettings(
            ExpectedBatchSize: expectedBatch,
            GeneratorBatchSize: task.Training.GeneratorBatchSize,
            DiscriminatorStepsPerGeneratorStep: task.Training.DiscriminatorStepsPerGeneratorStep,
            DiscriminatorLearningRate: task.Training.DiscriminatorLearningRate,
            GeneratorLearningRate: task.Training.GeneratorLearningRate);
        // The seed drives Poisson sampling and the DP noise: it must be unpredictable to anyone else.
        var seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        var trainer = new LocalGanTrainer(model, data, settings, new DpSgdSettings(task.Privacy.NoiseMultiplier, task.Privacy.ClippingBound), seed);
        var fingerprint = OptimizerStateStore.Fingerprint.Of(architecture, settings);
        var studyOptimizers = OptimizerStateStore.ForStudy(options.Value.StateDirectory, task.StudyId);
        RestoreOptimizers(trainer, fingerprint, stepsDone > 0 ? OptimizerStateStore.ForCheckpoint(workspace, stepsDone) : studyOptimizers, task);

        var clipped = new List<double>();
        var watch = Stopwatch.StartNew();
        while (stepsDone < task.Training.LocalSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = Math.Min(options.Value.CheckpointEvery, task.Training.LocalSteps - stepsDone);
            var result = trainer.Train(chunk);
            if (result.ClippedFraction is { } fraction)
            {
                clipped.Add(fraction);
            }

            stepsDone += chunk;
            workspace.WriteCheckpointWeights(stepsDone, Safetensors.Serialize(ModelTensors.Export(model)));
            OptimizerStateStore.ForCheckpoint(workspace, stepsDone).Save(trainer, fingerprint, task.Round);
            workspace.CommitCheckpoint(stepsDone);
            progress?.Report(stepsDone);
        }

        var update = ModelUpdate.Between(ModelTensors.Export(model), global);
        var clip = update.ClipToNorm(task.Update.ClipNorm);
        if (task.Update.SiteNoiseMultiplier > 0)
        {
            update.AddNoise(task.Update.SiteNoiseMultiplier * task.Update.ClipNorm, GaussianNoise.Cryptographic());
        }

        var metadata = new Dictionary<string, string>
        {
            [UpdateMetadata.NumSamples] = images.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [UpdateMetadata.SiteId] = options.Value.SiteId,
            [UpdateMetadata.Round] = task.Round.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [UpdateMetadata.BaseVersion] = task.ModelVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var dtype = Enum.Parse<TensorDType>(task.Update.WireDType, ignoreCase: true);
        TaskWorkspace.AtomicWriteBytes(workspace.Update, update.ToSafetensors(metadata, dtype));
        var summary = new TrainedUpdate(images.Count, clip.NormBefore, update.L2Norm(), clipped.Count == 0 ? null : clipped.Average());
        workspace.SaveUpdateSummary(summary);
        studyOptimizers.Save(trainer, fingerprint, task.Round);

        metrics.RoundTrained(task.StudyId, watch.Elapsed, summary);
        activity?.SetTag("fedgan.round", task.Round);
        activity?.SetTag("fedgan.update.norm", summary.NormAfterClip);
        logger.LogInformation("Trained round {Round} of study {StudyId}: {Steps} steps in {Seconds:F1} s, update norm {Norm:F3} (clipped from {Before:F3})",
            task.Round, task.StudyId, task.Training.LocalSteps, watch.Elapsed.TotalSeconds, summary.NormAfterClip, summary.NormBeforeClip);
        return summary;
    }

    private void RestoreOptimizers(LocalGanTrainer trainer, OptimizerStateStore.Fingerprint fingerprint, OptimizerStateStore store, TrainingTask task)
    {
        var (afterRound, whyFresh) = store.TryRestore(trainer, fingerprint);
        if (afterRound is { } round)
            logger.LogInformation("Round {Round} of study {StudyId} continues with the optimizer state saved in round {SavedRound}", task.Round, task.StudyId, round);
        else
            logger.LogInformation("Round {Round} of study {StudyId} starts with fresh optimizers: {Reason}", task.Round, task.StudyId, whyFresh);
    }
}

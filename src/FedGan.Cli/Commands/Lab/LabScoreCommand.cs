using System.CommandLine;
using FedGan.Learning.Data;
using FedGan.Learning.Evaluation;
using FedGan.Learning.Models;
using FedGan.Learning.Simulation;
using FedGan.Tensors;

namespace FedGan.Cli.Commands.Lab;

/// <summary>
/// <c>fedgan lab score</c>: scores a GAN that <c>fedgan lab run</c> saved (model*.safetensors) again,
/// with other evaluation settings (more synthetic images for TSTR, say), without training it again.
/// </summary>
public static class LabScoreCommand
{
    private sealed record Score(
        string Model,
        double TstrAccuracy,
        IReadOnlyList<double> PerClassRecall,
        double FrechetDistance,
        double FrechetDistanceFloor,
        double RealDataAccuracy,
        int SyntheticImages,
        int TstrEpochs,
        int FrechetSamples);

    public static Command Create()
    {
        // The evaluation options are lab run's own, so both commands read them the same way.
        var options = new LabRunOptions();
        var model = new Option<FileInfo>("--model") { Description = "A model*.safetensors file written by fedgan lab run.", Required = true };
        var command = new Command("score", "Score a GAN saved by fedgan lab run again (TSTR, Frechet distance, per-class recall).")
        {
            model, options.TstrImages, options.TstrEpochs, options.FrechetSamples, options.DataDirectory, options.CacheDirectory,
        };
        command.SetAction(parsed =>
        {
            var file = parsed.GetValue(model)!;
            using var gan = LoadModel(file);
            var settings = new EvaluationSettings(parsed.GetValue(options.TstrImages), parsed.GetValue(options.FrechetSamples)) with
            {
                Tstr = new ClassifierTrainingSettings(Epochs: parsed.GetValue(options.TstrEpochs)),
            };
            try
            {
                settings.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new CliUsageException(ex.Message);
            }

            var (train, test) = LabData.Load(parsed.GetValue(options.DataDirectory)!, gan.Architecture.ImageSize);
            var cache = parsed.GetValue(options.CacheDirectory) ?? EvaluationClassifierCache.DefaultDirectory;
            var result = LabProgress.Show(progress =>
            {
                using var evaluator = GanEvaluator.Create(train, test, settings, cache, (stage, done, total) => progress(new SimulationProgress(stage, done, total)));
                var evaluation = evaluator.Evaluate(gan.Generator, (stage, done, total) => progress(new SimulationProgress(stage, done, total)));
                return (evaluation, evaluator.RealDataAccuracy);
            });
            var (scores, realAccuracy) = result;
            return JsonOutput.Write(new Score(file.FullName, scores.TstrAccuracy, scores.PerClassRecall, scores.FrechetDistance,
                scores.FrechetDistanceFloor, realAccuracy, scores.SyntheticImages, settings.Tstr.Epochs, settings.FrechetSamples));
        });
        return command;
    }

    private static ConditionalGan LoadModel(FileInfo file)
    {
        SafetensorsContent content;
        try
        {
            content = Safetensors.Load(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SafetensorsFormatException)
        {
            throw new CliUsageException($"Cannot read the model file {file.FullName}: {ex.Message}");
        }

        GanArchitecture architecture;
        try
        {
            architecture = GanArchitectureMetadata.FromMetadata(content.Metadata);
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException($"{file.FullName}: {ex.Message}");
        }

        if (architecture.Classes != FashionMnist.ClassNames.Count)
            throw new CliUsageException($"{file.FullName} is a GAN for {architecture.Classes} classes; the lab scores on Fashion-MNIST's {FashionMnist.ClassNames.Count}.");
        var gan = new ConditionalGan(architecture);
        try
        {
            ModelTensors.Import(gan, content.Tensors);
        }
        catch (ArgumentException ex)
        {
            gan.Dispose();
            throw new CliUsageException($"{file.FullName} does not hold the GAN its metadata describes: {ex.Message}");
        }

        return gan;
    }
}

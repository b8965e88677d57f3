using System.CommandLine;
using System.Security.Cryptography;
using FedGan.Cli.Commands.Lab;
using FedGan.Cli.Commands.Studies;
using FedGan.Cli.Platform;
using FedGan.Contracts.Models;
using FedGan.Learning.Data;
using FedGan.Learning.Evaluation;
using FedGan.Learning.Models;
using FedGan.Learning.Simulation;

namespace FedGan.Cli.Commands.Models;

/// <summary>
/// <c>fedgan models evaluate</c>: scores a registry version (weights hash-checked) against a real
/// held-out test set the coordinator holds: TSTR, Frechet distance and recall per class, as JSON,
/// optionally as a report with a sample grid.
/// </summary>
public static class ModelsEvaluateCommand
{
    public static Command Create()
    {
        var study = StudiesCommand.StudyOption();
        var version = new Option<int?>("--version") { Description = "The version (default: the latest)." };
        var test = new Option<string>("--test") { Description = "Real held-out test images: an IDX folder (t10k-*), a .npz (test split) or a folder of class sub-folders.", Required = true };
        var reference = new Option<string?>("--reference") { Description = "Real images for the feature classifier and the Frechet floor: an IDX folder (train-*), a .npz (train split) or a class folder. Default: a seeded half of --test (the other half is then the test set)." };
        var synthetic = new Option<int>("--synthetic-images") { Description = "Synthetic images the TSTR classifier trains on.", DefaultValueFactory = _ => 10_000 };
        var frechet = new Option<int>("--fd-samples") { Description = "Images per side of the Frechet distance.", DefaultValueFactory = _ => 10_000 };
        var epochs = new Option<int>("--tstr-epochs") { Description = "Epochs of TSTR classifier training.", DefaultValueFactory = _ => 5 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the synthetic draws and classifiers.", DefaultValueFactory = _ => 7 };
        var report = new Option<string?>("--report") { Description = "Also write a report: a .md file (with a .grid.png beside it) or a self-contained .html file." };
        var noRecord = new Option<bool>("--no-record") { Description = "Do not record the evaluation with the version in the registry." };
        var cache = new Option<string?>("--cache-dir") { Description = "Where the feature classifier is cached (default $FEDGAN_CACHE_DIR or ~/.cache/fedgan)." };
        var command = new Command("evaluate", "Score a model version against real held-out images: TSTR, Frechet distance, recall per class.")
        {
            study, version, test, reference, synthetic, frechet, epochs, seed, report, noRecord, cache,
        };
        return PlatformCommand.WithPlatform(command, async (parsed, platform, cancellationToken) =>
        {
            var studyId = StudiesCommand.StudyId(parsed.GetValue(study)!);
            var settings = Settings(parsed.GetValue(synthetic), parsed.GetValue(frechet), parsed.GetValue(epochs), parsed.GetValue(seed));
            var manifest = await ModelWeights.ManifestAsync(platform, studyId, parsed.GetValue(version), cancellationToken);
            var architecture = manifest.Model.Architecture.ToGan();

            var (referenceImages, testImages) = RealImages(parsed.GetValue(test)!, parsed.GetValue(reference), architecture, settings.Seed);
            using var gan = await ModelWeights.LoadGanAsync(platform, manifest, cancellationToken);
            var scores = LabProgress.Show(progress =>
            {
                void Report(string stage, int done, int total) => progress(new SimulationProgress(stage, done, total));
                using var evaluator = GanEvaluator.Create(referenceImages, testImages, settings,
                    parsed.GetValue(cache) ?? EvaluationClassifierCache.DefaultDirectory, Report);
                return (Scores: evaluator.Evaluate(gan.Generator, Report), evaluator.RealDataAccuracy);
            });

            var evaluation = new ModelEvaluation(studyId, manifest.Version, manifest.WeightsSha256, scores.Scores.TstrAccuracy,
                scores.Scores.PerClassRecall, scores.Scores.FrechetDistance, scores.Scores.FrechetDistanceFloor, scores.RealDataAccuracy,
                settings.SyntheticImages, settings.FrechetSamples, settings.Tstr.Epochs, settings.Seed,
                DataSet(parsed.GetValue(test)!, testImages), DataSet(parsed.GetValue(reference) ?? parsed.GetValue(test)!, referenceImages),
                ModelsSampleCommand.Software(), DateTimeOffset.UtcNow);
            if (parsed.GetValue(report) is { } reportPath)
                EvaluationReport.Write(reportPath, evaluation, SampleGrid.Render(gan.Generator, perClass: 10, settings.Seed));
            // Printed first: if recording fails, the scores that took minutes to compute are not lost.
            JsonOutput.Write(evaluation);
            if (!parsed.GetValue(noRecord))
            {
                try
                {
                    await platform.SendAsync<ModelEvaluation>(HttpMethod.Post, $"registry/studies/{studyId}/versions/{manifest.Version}/evaluations",
                        evaluation, cancellationToken);
                }
                catch (PlatformException ex)
                {
                    throw new PlatformException($"the evaluation above was not recorded in the registry: {ex.Message}");
                }
            }

            return 0;
        });
    }

    private static EvaluationSettings Settings(int synthetic, int frechet, int epochs, ulong seed)
    {
        try
        {
            return new EvaluationSettings(synthetic, frechet, Seed: seed) { Tstr = new ClassifierTrainingSettings(Epochs: epochs) }.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException(ex.Message);
        }
    }

    private static (LabeledImages Reference, LabeledImages Test) RealImages(string test, string? reference, GanArchitecture architecture, ulong seed)
    {
        var testImages = EvaluationData.Load("--test", test, EvaluationData.Role.Test, architecture.ImageSize);
        var split = reference is null
            ? EvaluationData.Split(testImages, seed)
            : (EvaluationData.Load("--reference", reference, EvaluationData.Role.Reference, architecture.ImageSize), testImages);
        foreach (var (option, images) in new[] { ("--reference", split.Item1), ("--test", split.Item2) })
        {
            if (images.ClassNames.Count != architecture.Classes)
                throw new CliUsageException($"{option} has {images.ClassNames.Count} classes; the model draws {architecture.Classes}.");
        }

        return split;
    }

    /// <summary>Names a data set by its file or folder name (not the coordinator's full path) and fingerprints its labels and pixels.</summary>
    private static EvaluationDataSet DataSet(string path, LabeledImages images)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(images.Labels.AsSpan()));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(images.Pixels.AsSpan()));
        return new EvaluationDataSet(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path))), images.Count,
            Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}

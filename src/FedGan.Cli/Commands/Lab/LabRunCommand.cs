using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using FedGan.Learning.Data;
using FedGan.Learning.Evaluation;
using FedGan.Learning.Models;
using FedGan.Learning.Simulation;
using FedGan.Learning.Training;

namespace FedGan.Cli.Commands.Lab;

/// <summary>
/// <c>fedgan lab run</c>: one simulated experiment on Fashion-MNIST split over K hospitals.
/// Progress goes to stderr; report.json and PNG sample grids go to --out; a summary to stdout.
/// </summary>
public static class LabRunCommand
{
    private static readonly JsonSerializerOptions ReportOptions = new(JsonOutput.Options)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private sealed record Summary(
        string Mode,
        [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double TstrAccuracy,
        double FrechetDistance,
        double FrechetDistanceFloor,
        double RealDataAccuracy,
        double? RareClassRecall,
        string? BestSite,
        [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double? MaxEpsilon,
        double? Delta,
        string? Accountant,
        double? LastIterateTstrAccuracy,
        double TrainingSeconds,
        double TotalSeconds,
        string Report);

    public static Command Create()
    {
        var options = new LabRunOptions();
        var command = new Command("run", "Train a conditional GAN federated, centralized or per site, score it (TSTR, Frechet distance) and write a report.");
        foreach (var option in options.All())
            command.Options.Add(option);
        command.SetAction(parsed => Run(parsed, options));
        return command;
    }

    private static int Run(ParseResult parsed, LabRunOptions o)
    {
        var settings = Settings(parsed, o).Validate();
        var output = Path.GetFullPath(parsed.GetValue(o.Output)!);
        var cache = parsed.GetValue(o.CacheDirectory) ?? EvaluationClassifierCache.DefaultDirectory;
        var (train, test) = LabData.Load(parsed.GetValue(o.DataDirectory)!, settings.Architecture.ImageSize);

        var report = LabProgress.Show(progress => SimulationRunner.Run(settings, train, test, output, cache, progress));
        var reportPath = Path.Combine(output, "report.json");
        File.WriteAllText(reportPath, JsonSerializer.Serialize(report, ReportOptions));
        var result = report.Result!;
        return JsonOutput.Write(new Summary(report.Mode, result.TstrAccuracy, result.FrechetDistance, result.FrechetDistanceFloor,
            report.RealDataAccuracy, result.RareClassRecall, report.BestSite, report.MaxEpsilon,
            settings.TargetEpsilon is null ? null : settings.Delta,
            settings.TargetEpsilon is null ? null : settings.Accountant.ToString().ToLowerInvariant(),
            report.LastIterateResult?.TstrAccuracy, report.TrainingSeconds, report.TotalSeconds, reportPath));
    }

    private static SimulationSettings Settings(ParseResult p, LabRunOptions o) => new()
    {
        Mode = Enum.Parse<TrainingMode>(p.GetValue(o.Mode)!, ignoreCase: true),
        Sites = p.GetValue(o.Sites),
        DirichletAlpha = p.GetValue(o.Alpha),
        AcquisitionShift = !p.GetValue(o.NoShift),
        RareClass = p.GetValue(o.RareClass),
        RareClassPrevalence = p.GetValue(o.RarePrevalence),
        Rounds = p.GetValue(o.Rounds),
        LocalSteps = p.GetValue(o.LocalSteps),
        Architecture = new GanArchitecture(p.GetValue(o.ImageSize), FashionMnist.ClassNames.Count, p.GetValue(o.LatentDim), p.GetValue(o.GeneratorWidth), p.GetValue(o.DiscriminatorWidth), p.GetValue(o.GeneratorClassNorm),
            p.GetValue(o.DiscriminatorNorm)),
        Training = new GanTrainingSettings(p.GetValue(o.BatchSize), p.GetValue(o.GeneratorBatch), p.GetValue(o.DStepsPerGStep), p.GetValue(o.DLearningRate), p.GetValue(o.GLearningRate),
            DiscriminatorBeta1: p.GetValue(o.DBeta1),
            ClassLossWeight: p.GetValue(o.ClassLoss),
            PrivateFakes: p.GetValue(o.DpFakes) == "mix" ? PrivateFakes.FromLabelMix : PrivateFakes.PairedWithRecords,
            ProximalWeight: p.GetValue(o.Proximal)),
        TargetEpsilon = p.GetValue(o.Epsilon),
        Delta = p.GetValue(o.Delta),
        Accountant = Enum.Parse<AccountantKind>(p.GetValue(o.Accountant)!, ignoreCase: true),
        ClipNorm = p.GetValue(o.Clip),
        UpdateClipNorm = p.GetValue(o.UpdateClip),
        ServerNoiseMultiplier = p.GetValue(o.ServerNoise),
        ServerLearningRate = p.GetValue(o.ServerLearningRate),
        ServerMomentum = p.GetValue(o.ServerMomentum),
        FreshLocalOptimizers = p.GetValue(o.FreshLocalOptimizers),
        FreshGeneratorOptimizer = p.GetValue(o.FreshGeneratorOptimizer),
        AverageOptimizerMoments = p.GetValue(o.AverageMoments),
        GeneratorLabels = p.GetValue(o.GeneratorLabels) == "site" ? GeneratorLabelSource.SiteHistogram : GeneratorLabelSource.Uniform,
        LabelHistogramNoise = p.GetValue(o.LabelNoise),
        LearningRateDecay = new LearningRateDecay(Enum.Parse<LearningRateDecayShape>(p.GetValue(o.LearningRateDecay)!, ignoreCase: true),
            p.GetValue(o.LearningRateDecayFrom), p.GetValue(o.LearningRateFinal)),
        AverageDecay = p.GetValue(o.AverageDecay),
        Seed = p.GetValue(o.Seed),
        Evaluation = new EvaluationSettings(p.GetValue(o.TstrImages), p.GetValue(o.FrechetSamples)) with
        {
            Tstr = new ClassifierTrainingSettings(Epochs: p.GetValue(o.TstrEpochs)),
        },
    };
}

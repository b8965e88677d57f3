using System.Diagnostics;
using FedGan.Learning.Data;
using FedGan.Learning.Evaluation;
using FedGan.Learning.Models;
using FedGan.Learning.Training;
using FedGan.Tensors;
using static TorchSharp.torch;

namespace FedGan.Learning.Simulation;

/// <summary>
/// Runs one federated, centralized or local-only experiment in this process on a partitioned
/// data set, scores the resulting generator(s) and writes their sample grids as PNGs and their
/// weights as safetensors (with the architecture in the metadata).
/// </summary>
public static class SimulationRunner
{
    public static SimulationReport Run(
        SimulationSettings settings,
        LabeledImages train,
        LabeledImages test,
        string outputDirectory,
        string cacheDirectory,
        Action<SimulationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        settings.Validate();
        if (train.Height != settings.Architecture.ImageSize || train.ClassNames.Count != settings.Architecture.Classes)
            throw new ArgumentException(
                $"The data ({train.Height}x{train.Width}, {train.ClassNames.Count} classes) does not fit the architecture ({settings.Architecture.ImageSize}, {settings.Architecture.Classes} classes).");
        Directory.CreateDirectory(outputDirectory);
        var clock = Stopwatch.StartNew();

        var sites = SitePartitioner.Partition(train, new PartitionOptions(
            settings.Sites, settings.DirichletAlpha, settings.Seed, settings.AcquisitionShift, settings.RareClass, settings.RareClassPrevalence));
        using var evaluator = GanEvaluator.Create(train, test, settings.Evaluation with { RareClass = settings.RareClass }, cacheDirectory,
            (stage, done, total) => progress?.Invoke(new SimulationProgress(stage, done, total)));
        var setupSeconds = clock.Elapsed.TotalSeconds;

        manual_seed(settings.Seed);
        var run = settings.Mode switch
        {
            TrainingMode.Federated => RunFederated(settings, sites, evaluator, outputDirectory, progress),
            TrainingMode.Centralized => RunCentralized(settings, sites, evaluator, outputDirectory, progress),
            _ => RunLocal(settings, sites, evaluator, outputDirectory, progress),
        };

        var maxEpsilon = run.Participants.Select(p => p.Epsilon).Where(e => e is not null).Max();
        return new SimulationReport(
            settings.Mode.ToString().ToLowerInvariant(), settings, run.Participants, run.Result, run.LastIterateResult, run.SiteResults, run.BestSite, maxEpsilon,
            evaluator.RealDataAccuracy, evaluator.FrechetDistanceFloor, run.Grids, run.Rounds,
            run.TrainingSeconds, setupSeconds + run.EvaluationSeconds, clock.Elapsed.TotalSeconds, TorchRuntime.Describe());
    }

    private sealed record ModeResult(
        IReadOnlyList<ParticipantSummary> Participants,
        GanEvaluation? Result,
        GanEvaluation? LastIterateResult,
        IReadOnlyList<SiteEvaluation>? SiteResults,
        string? BestSite,
        IReadOnlyList<string> Grids,
        IReadOnlyList<RoundSummary> Rounds,
        double TrainingSeconds,
        double EvaluationSeconds);

    private static ModeResult RunFederated(SimulationSettings settings, IReadOnlyList<SiteData> sites, GanEvaluator evaluator, string output, Action<SimulationProgress>? progress)
    {
        var clock = Stopwatch.StartNew();
        using var global = new ConditionalGan(settings.Architecture);
        var globalTensors = ModelTensors.Export(global);
        var participants = sites.Select((s, k) => new Participant(s.SiteName, s.Images, settings, settings.TotalDiscriminatorSteps, SiteSeed(settings.Seed, k))).ToList();
        var serverNoise = GaussianNoise.Seeded(SiteSeed(settings.Seed, -1));
        var steps = new StepCounter("training", (long)settings.Rounds * settings.LocalSteps * participants.Count, progress);
        var rounds = new List<RoundSummary>();
        var smoothed = NewAverage(settings);
        var server = new ServerStep(settings.ServerLearningRate, settings.ServerMomentum);
        try
        {
            for (var round = 1; round <= settings.Rounds; round++)
            {
                var averaging = new FederatedAveraging();
                var local = new List<TrainingProgress>();
                var updateNorms = new List<double>();
                foreach (var participant in participants)
                {
                    ModelTensors.Import(participant.Model, globalTensors);
                    if (settings.FreshLocalOptimizers && round > 1)
                        participant.Trainer.RestartOptimizers();
                    else if (settings.FreshGeneratorOptimizer && round > 1)
                        participant.Trainer.RestartGeneratorOptimizer();
                    participant.Trainer.LearningRateFactor = settings.LearningRateDecay.Factor(round, settings.Rounds);
                    participant.Trainer.AnchorProximalTerm();
                    local.Add(participant.Trainer.Train(settings.LocalSteps, steps.Tick));
                    var update = ModelUpdate.Between(ModelTensors.Export(participant.Model), globalTensors);
                    updateNorms.Add(settings.UpdateClipNorm is { } bound ? update.ClipToNorm(bound).NormBefore : update.L2Norm());
                    averaging.Add(update, participant.Data.Count);
                }

                if (settings.AverageOptimizerMoments)
                    OptimizerMomentAveraging.Average(participants.Select(p => (p.Trainer, (double)p.Data.Count)).ToArray());
                var average = averaging.Average(settings.ServerNoiseMultiplier, settings.UpdateClipNorm, serverNoise);
                globalTensors = server.Apply(globalTensors, average);
                smoothed?.Add(globalTensors);
                rounds.Add(Summarize(round, local, updateNorms.Average()));
            }

            ModelTensors.Import(global, globalTensors);
            var trainingSeconds = clock.Elapsed.TotalSeconds;
            var (result, lastIterate, grid) = Score(global, smoothed, "samples.png", settings, evaluator, output, progress);
            return new ModeResult(participants.Select(p => p.Summarize(settings.Delta)).ToArray(), result, lastIterate, null, null, [grid], rounds,
                trainingSeconds, clock.Elapsed.TotalSeconds - trainingSeconds);
        }
        finally
        {
            participants.ForEach(p => p.Dispose());
        }
    }

    private static ModeResult RunCentralized(SimulationSettings settings, IReadOnlyList<SiteData> sites, GanEvaluator evaluator, string output, Action<SimulationProgress>? progress)
    {
        var clock = Stopwatch.StartNew();
        var pooled = LabeledImages.Concatenate(sites.Select(s => s.Images).ToArray());
        using var participant = new Participant("pooled", pooled, settings, settings.TotalDiscriminatorSteps, SiteSeed(settings.Seed, 0));
        var steps = new StepCounter("training", settings.TotalDiscriminatorSteps, progress);
        // Logged in chunks of one federated round's total work, so round logs line up across modes.
        var chunk = settings.Sites * settings.LocalSteps;
        var rounds = new List<RoundSummary>();
        var smoothed = NewAverage(settings);
        for (var round = 1; round <= settings.Rounds; round++)
        {
            participant.Trainer.LearningRateFactor = settings.LearningRateDecay.Factor(round, settings.Rounds);
            rounds.Add(Summarize(round, [participant.Trainer.Train(chunk, steps.Tick)], null));
            smoothed?.Add(ModelTensors.Export(participant.Model));
        }

        var trainingSeconds = clock.Elapsed.TotalSeconds;
        var (result, lastIterate, grid) = Score(participant.Model, smoothed, "samples.png", settings, evaluator, output, progress);
        return new ModeResult([participant.Summarize(settings.Delta)], result, lastIterate, null, null, [grid], rounds,
            trainingSeconds, clock.Elapsed.TotalSeconds - trainingSeconds);
    }

    private static ModeResult RunLocal(SimulationSettings settings, IReadOnlyList<SiteData> sites, GanEvaluator evaluator, string output, Action<SimulationProgress>? progress)
    {
        var steps = new StepCounter("training", settings.TotalDiscriminatorSteps * sites.Count, progress);
        var summaries = new List<ParticipantSummary>();
        var evaluations = new List<SiteEvaluation>();
        var rounds = new List<TrainingProgress>[settings.Rounds];
        double trainingSeconds = 0, evaluationSeconds = 0;
        for (var k = 0; k < sites.Count; k++)
        {
            var clock = Stopwatch.StartNew();
            using var participant = new Participant(sites[k].SiteName, sites[k].Images, settings, settings.TotalDiscriminatorSteps, SiteSeed(settings.Seed, k));
            var smoothed = NewAverage(settings);
            for (var round = 0; round < settings.Rounds; round++)
            {
                participant.Trainer.LearningRateFactor = settings.LearningRateDecay.Factor(round + 1, settings.Rounds);
                (rounds[round] ??= []).Add(participant.Trainer.Train(settings.LocalSteps, steps.Tick));
                smoothed?.Add(ModelTensors.Export(participant.Model));
            }

            trainingSeconds += clock.Elapsed.TotalSeconds;

            clock.Restart();
            // Eight sites: only the generator that counts (the average, when averaging) is scored.
            var (result, _, grid) = Score(participant.Model, smoothed, $"samples-{participant.Name}.png", settings, evaluator, output, progress, scoreLastIterate: false);
            evaluations.Add(new SiteEvaluation(participant.Name, participant.Data.Count, result, grid));
            summaries.Add(participant.Summarize(settings.Delta));
            evaluationSeconds += clock.Elapsed.TotalSeconds;
        }

        var best = evaluations.MaxBy(e => e.Evaluation.TstrAccuracy)!;
        return new ModeResult(summaries, best.Evaluation, null, evaluations, best.Site, evaluations.Select(e => e.SampleGrid).ToArray(),
            rounds.Select((r, i) => Summarize(i + 1, r, null)).ToArray(), trainingSeconds, evaluationSeconds);
    }

    /// <summary>Scores the weight average when there is one (and then the last iterate too, if asked), else the model.</summary>
    private static (GanEvaluation Result, GanEvaluation? LastIterate, string Grid) Score(
        ConditionalGan model, WeightAverage? average, string gridName, SimulationSettings settings, GanEvaluator evaluator, string output,
        Action<SimulationProgress>? progress, bool scoreLastIterate = true)
    {
        void Report(string stage, int done, int total) => progress?.Invoke(new SimulationProgress(stage, done, total));
        using var averaged = average is null ? null : new ConditionalGan(settings.Architecture);
        if (averaged is not null)
            ModelTensors.Import(averaged, average!.Current);
        var scored = averaged ?? model;
        var result = evaluator.Evaluate(scored.Generator, Report);
        var lastIterate = averaged is not null && scoreLastIterate ? evaluator.Evaluate(model.Generator, Report) : null;
        File.WriteAllBytes(Path.Combine(output, gridName), SampleGrid.Render(scored.Generator, settings.GridSamplesPerClass, (ulong)settings.Seed));
        // The scored weights beside their grid, so the generator can be scored again (fedgan lab score) or used.
        ModelTensors.Save(scored, Path.Combine(output, ModelFileFor(gridName)), GanArchitectureMetadata.ToMetadata(settings.Architecture));
        return (result, lastIterate, gridName);
    }

    /// <summary>samples.png: model.safetensors; samples-hospital-3.png: model-hospital-3.safetensors.</summary>
    public static string ModelFileFor(string gridName) =>
        "model" + Path.GetFileNameWithoutExtension(gridName)["samples".Length..] + ".safetensors";

    private static WeightAverage? NewAverage(SimulationSettings settings) =>
        settings.AverageDecay is { } decay ? new WeightAverage(decay) : null;

    private static RoundSummary Summarize(int round, IReadOnlyList<TrainingProgress> local, double? meanUpdateNorm)
    {
        double? MeanOf(Func<TrainingProgress, double?> value)
        {
            var values = local.Select(value).Where(v => v is not null).Select(v => v!.Value).ToArray();
            return values.Length == 0 ? null : values.Average();
        }

        return new RoundSummary(round,
            local.Average(p => p.DiscriminatorLoss), local.Average(p => p.GeneratorLoss),
            local.Average(p => p.RealScore), local.Average(p => p.FakeScore),
            MeanOf(p => p.MeanGradientNorm), MeanOf(p => p.ClippedFraction), meanUpdateNorm);
    }

    // Distinct, reproducible streams per participant (k = -1: the server).
    private static ulong SiteSeed(int seed, int participant) =>
        unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)(participant + 2) * 0xBF58476D1CE4E5B9UL);

    private sealed class StepCounter(string stage, long total, Action<SimulationProgress>? progress)
    {
        private long done;

        public void Tick() => progress?.Invoke(new SimulationProgress(stage, ++done, total));
    }
}

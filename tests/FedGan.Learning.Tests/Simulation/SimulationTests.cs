using FedGan.Learning.Data;
using FedGan.Learning.Evaluation;
using FedGan.Learning.Models;
using FedGan.Learning.Simulation;
using FedGan.Learning.Tests.Data;
using FedGan.Learning.Training;

namespace FedGan.Learning.Tests.Simulation;

public class SimulationTests
{
    private static readonly GanArchitecture Small = new(GeneratorWidth: 32, DiscriminatorWidth: 16);

    [Fact]
    public void Short_centralized_training_lifts_tstr_accuracy_well_above_chance()
    {
        // Ten classes: a generator that ignored its label, or produced noise, would give ~10 %.
        using var folder = new TempFolder();
        var (train, test) = Subsets(train: 4000, test: 2000);
        var settings = new SimulationSettings
        {
            Mode = TrainingMode.Centralized,
            Sites = 1,
            DirichletAlpha = 100,
            AcquisitionShift = false,
            Rounds = 1,
            LocalSteps = 400,
            Architecture = Small,
            Evaluation = new EvaluationSettings(SyntheticImages: 2000, FrechetSamples: 500) with
            {
                Tstr = new ClassifierTrainingSettings(Epochs: 2),
                EvaluationClassifier = new ClassifierTrainingSettings(Epochs: 1),
            },
            GridSamplesPerClass = 2,
        };

        var report = SimulationRunner.Run(settings, train, test, folder.PathOf("out"), folder.PathOf("cache"));

        Assert.True(report.Result!.TstrAccuracy > 0.35, $"TSTR accuracy {report.Result.TstrAccuracy}");
        Assert.True(File.Exists(folder.PathOf("out/samples.png")));
    }

    [Fact]
    public void Federated_dp_run_spends_no_more_than_the_target_epsilon_at_any_site()
    {
        using var folder = new TempFolder();
        var (train, test) = Subsets(train: 1200, test: 300);
        var settings = new SimulationSettings
        {
            Mode = TrainingMode.Federated,
            Sites = 3,
            DirichletAlpha = 0.5,
            Rounds = 2,
            LocalSteps = 3,
            Architecture = Small,
            Training = new GanTrainingSettings(ExpectedBatchSize: 16),
            TargetEpsilon = 5,
            UpdateClipNorm = 10,
            ServerNoiseMultiplier = 0.1,
            GeneratorLabels = GeneratorLabelSource.SiteHistogram,
            AverageDecay = 0.5,
            Evaluation = new EvaluationSettings(SyntheticImages: 100, FrechetSamples: 50) with
            {
                Tstr = new ClassifierTrainingSettings(Epochs: 1),
                EvaluationClassifier = new ClassifierTrainingSettings(Epochs: 1),
            },
            GridSamplesPerClass = 1,
        };

        var report = SimulationRunner.Run(settings, train, test, folder.PathOf("out"), folder.PathOf("cache"));

        Assert.Equal(3, report.Participants.Count);
        Assert.Equal(train.Count, report.Participants.Sum(p => p.Images));
        Assert.All(report.Participants, p =>
        {
            Assert.Equal(6, p.DiscriminatorSteps);
            Assert.True(p.NoiseMultiplier > 0);
            Assert.InRange(p.Epsilon!.Value, 4.0, 5.0);
            // Calibrated with RDP, which bounds the tighter PLD figure from above.
            Assert.Equal(p.EpsilonRdp, p.Epsilon);
            Assert.True(p.EpsilonPld <= p.EpsilonRdp, $"PLD {p.EpsilonPld} above RDP {p.EpsilonRdp}");
            // The noised label histogram G drew from is a distribution over the ten classes.
            Assert.Equal(10, p.GeneratorLabelMix.Count);
            Assert.Equal(1.0, p.GeneratorLabelMix.Sum(), 1e-9);
        });
        Assert.Equal(2, report.Rounds.Count);
        Assert.All(report.Rounds, r => Assert.NotNull(r.MeanUpdateNorm));
        Assert.Equal("federated", report.Mode);
        // With weight averaging, the average is scored and the last iterate beside it.
        Assert.NotNull(report.LastIterateResult);
        // The scored weights are saved with their architecture, so the file alone rebuilds the GAN.
        var saved = FedGan.Tensors.Safetensors.Load(folder.PathOf("out/model.safetensors"));
        Assert.Equal(Small, GanArchitectureMetadata.FromMetadata(saved.Metadata));
        using var rebuilt = new ConditionalGan(Small);
        ModelTensors.Import(rebuilt, saved.Tensors);
    }

    [Fact]
    public void Local_baseline_scores_every_site_and_names_the_best()
    {
        using var folder = new TempFolder();
        var (train, test) = Subsets(train: 600, test: 200);
        var settings = new SimulationSettings
        {
            Mode = TrainingMode.Local,
            Sites = 2,
            Rounds = 1,
            LocalSteps = 2,
            Architecture = Small,
            Training = new GanTrainingSettings(ExpectedBatchSize: 8),
            Evaluation = new EvaluationSettings(SyntheticImages: 50, FrechetSamples: 20) with
            {
                Tstr = new ClassifierTrainingSettings(Epochs: 1),
                EvaluationClassifier = new ClassifierTrainingSettings(Epochs: 1),
            },
            GridSamplesPerClass = 1,
        };

        var report = SimulationRunner.Run(settings, train, test, folder.PathOf("out"), folder.PathOf("cache"));

        Assert.Equal(2, report.SiteResults!.Count);
        var best = report.SiteResults.MaxBy(s => s.Evaluation.TstrAccuracy)!;
        Assert.Equal(best.Site, report.BestSite);
        Assert.All(report.SiteResults, s => Assert.True(File.Exists(folder.PathOf($"out/{s.SampleGrid}"))));
        Assert.All(report.SiteResults, s => Assert.True(File.Exists(folder.PathOf($"out/model-{s.Site}.safetensors"))));
    }

    [Fact]
    public void A_label_histogram_without_noise_under_dp_is_refused() =>
        Assert.Throws<ArgumentException>(() => new SimulationSettings
        {
            TargetEpsilon = 10,
            GeneratorLabels = GeneratorLabelSource.SiteHistogram,
            LabelHistogramNoise = 0,
        }.Validate());

    [Fact]
    public void Server_noise_without_an_update_bound_is_refused() =>
        Assert.Throws<ArgumentException>(() => new SimulationSettings { ServerNoiseMultiplier = 1 }.Validate());

    [Fact]
    public void A_learning_rate_decay_that_would_start_after_the_last_round_is_refused() =>
        Assert.Throws<ArgumentException>(() => new SimulationSettings
        {
            Rounds = 20,
            LearningRateDecay = new LearningRateDecay(LearningRateDecayShape.Linear, FromRound: 21),
        }.Validate());

    [Fact]
    public void A_proximal_term_outside_a_federated_run_is_refused() =>
        Assert.Throws<ArgumentException>(() => new SimulationSettings
        {
            Mode = TrainingMode.Centralized,
            Training = new GanTrainingSettings(ProximalWeight: 0.1),
        }.Validate());

    private static (LabeledImages Train, LabeledImages Test) Subsets(int train, int test) =>
        (FashionMnist.LoadTrain().Subset(Enumerable.Range(0, train).ToArray()), FashionMnist.LoadTest().Subset(Enumerable.Range(0, test).ToArray()));
}

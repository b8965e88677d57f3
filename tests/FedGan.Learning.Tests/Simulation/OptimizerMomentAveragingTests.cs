using FedGan.Learning.Data;
using FedGan.Learning.Models;
using FedGan.Learning.Simulation;
using FedGan.Learning.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Simulation;

public class OptimizerMomentAveragingTests
{
    [Fact]
    public void Every_site_continues_with_the_sample_weighted_average_of_the_sites_moments()
    {
        // Two sites on different images, weights 1 and 3: afterwards both hold (m1 + 3 m2) / 4 for
        // each moment of D and of G, and each keeps its own step count.
        using var sites = TwoSites.Trained(secondImages: 300, dStepsPerGStep: 2, firstSteps: 4, secondSteps: 6);
        var before = new[] { Moments(sites.First), Moments(sites.Second) };

        OptimizerMomentAveraging.Average([(sites.First, 1.0), (sites.Second, 3.0)]);

        foreach (var (trainer, own) in new[] { (sites.First, before[0]), (sites.Second, before[1]) })
        {
            var after = Moments(trainer);
            Assert.Equal(own.Count, after.Count);
            for (var i = 0; i < after.Count; i++)
            {
                Assert.Equal(own[i].Step, after[i].Step);
                AssertWeightedMean(before[0][i].First, before[1][i].First, after[i].First);
                AssertWeightedMean(before[0][i].Second, before[1][i].Second, after[i].Second);
            }
        }
    }

    [Fact]
    public void Sites_whose_moments_differ_end_up_with_the_same_moments()
    {
        using var sites = TwoSites.Trained(secondImages: 200, dStepsPerGStep: 1, firstSteps: 3, secondSteps: 3);
        Assert.False(Moments(sites.First)[0].First.SequenceEqual(Moments(sites.Second)[0].First));

        OptimizerMomentAveraging.Average([(sites.First, 200.0), (sites.Second, 200.0)]);

        var (a, b) = (Moments(sites.First), Moments(sites.Second));
        Assert.All(Enumerable.Range(0, a.Count), i =>
        {
            Assert.True(a[i].First.SequenceEqual(b[i].First));
            Assert.True(a[i].Second.SequenceEqual(b[i].Second));
        });
    }

    [Fact]
    public void Averaging_is_refused_together_with_fresh_optimizers_and_outside_federated_runs()
    {
        Assert.Throws<ArgumentException>(() => new SimulationSettings { AverageOptimizerMoments = true, FreshLocalOptimizers = true }.Validate());
        Assert.Throws<ArgumentException>(() => new SimulationSettings { AverageOptimizerMoments = true, FreshGeneratorOptimizer = true }.Validate());
        Assert.Throws<ArgumentException>(() => new SimulationSettings { AverageOptimizerMoments = true, Mode = TrainingMode.Centralized }.Validate());
    }

    private static void AssertWeightedMean(float[] first, float[] second, float[] actual)
    {
        for (var j = 0; j < actual.Length; j++)
        {
            var expected = (first[j] + 3.0 * second[j]) / 4;
            Assert.True(Math.Abs(actual[j] - expected) <= 1e-6 * Math.Abs(expected) + 1e-12,
                $"element {j}: {actual[j]} is not the weighted mean {expected}");
        }
    }

    /// <summary>Step count and both moments of every parameter, D's then G's, copied out of the optimizers.</summary>
    private static IReadOnlyList<(long Step, float[] First, float[] Second)> Moments(LocalGanTrainer trainer) =>
        new[] { trainer.DiscriminatorOptimizer, trainer.GeneratorOptimizer }
            .SelectMany(o => ((OptimizerHelper)o).state_dict().State.Cast<Adam.State>())
            .Select(s => (s.step, s.exp_avg.flatten().data<float>().ToArray(), s.exp_avg_sq.flatten().data<float>().ToArray()))
            .ToArray();

    /// <summary>Two sites' trainers, the first on 200 images, the second on the next ones, each trained a few steps from the same weights.</summary>
    private sealed class TwoSites : IDisposable
    {
        private readonly IDisposable[] owned;

        private TwoSites(LocalGanTrainer first, LocalGanTrainer second, params IDisposable[] owned) =>
            (First, Second, this.owned) = (first, second, owned);

        public LocalGanTrainer First { get; }

        public LocalGanTrainer Second { get; }

        public static TwoSites Trained(int secondImages, int dStepsPerGStep, int firstSteps, int secondSteps)
        {
            var images = FashionMnist.LoadTrain();
            var firstData = new TrainingImages(images.Subset(Enumerable.Range(0, 200).ToArray()));
            var secondData = new TrainingImages(images.Subset(Enumerable.Range(200, secondImages).ToArray()));
            var (firstModel, secondModel) = (NewModel(), NewModel());
            var settings = new GanTrainingSettings(ExpectedBatchSize: 32, DiscriminatorStepsPerGeneratorStep: dStepsPerGStep);
            var first = new LocalGanTrainer(firstModel, firstData, settings, null, seed: 5);
            var second = new LocalGanTrainer(secondModel, secondData, settings, null, seed: 6);
            first.Train(firstSteps);
            second.Train(secondSteps);
            return new TwoSites(first, second, firstData, secondData, firstModel, secondModel);
        }

        public void Dispose()
        {
            foreach (var item in owned)
                item.Dispose();
        }

        private static ConditionalGan NewModel()
        {
            manual_seed(3);
            return new ConditionalGan(new GanArchitecture(GeneratorWidth: 16, DiscriminatorWidth: 8));
        }
    }
}

using FedGan.Learning.Data;
using FedGan.Learning.Models;
using FedGan.Learning.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedGan.Learning.Tests.Training;

/// <summary>
/// FedProx's term mu/2 ||w - w0||^2 has gradient mu (w - w0): the expected gradients below are
/// that formula evaluated on values the test sets itself.
/// </summary>
public class ProximalTermTests
{
    [Fact]
    public void The_gradient_gains_mu_times_the_distance_from_the_anchor()
    {
        var weights = new Parameter(tensor(new float[] { 1f, -2f, 0.5f }));
        var bias = new Parameter(tensor(new float[] { 3f }));
        var term = new ProximalTerm(0.5, [weights, bias]);
        using (no_grad())
        {
            weights.add_(tensor(new float[] { 0.2f, 0.4f, -1f }));
            bias.add_(tensor(new float[] { -2f }));
        }
        weights.grad = tensor(new float[] { 1f, 1f, 1f });

        term.AddToGradients();

        Assert.Equal(new[] { 1.1f, 1.2f, 0.5f }, weights.grad!.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        // No gradient yet: the term's alone.
        Assert.Equal(new[] { -1f }, bias.grad!.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void After_anchoring_at_the_current_weights_the_gradient_is_unchanged()
    {
        var weights = new Parameter(tensor(new float[] { 1f, -2f }));
        var term = new ProximalTerm(10, [weights]);
        using (no_grad())
            weights.add_(tensor(new float[] { 5f, 5f }));
        term.Anchor();
        weights.grad = tensor(new float[] { 0.25f, -0.75f });

        term.AddToGradients();

        Assert.Equal(new[] { 0.25f, -0.75f }, weights.grad!.data<float>().ToArray());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.PositiveInfinity)]
    public void A_weight_that_is_not_a_positive_number_is_refused(double weight) =>
        Assert.Throws<ArgumentException>(() => new ProximalTerm(weight, []));

    [Fact]
    public void A_site_trained_with_the_term_ends_the_round_closer_to_its_starting_weights()
    {
        // The same site, seed and starting weights, with and without a strong pull (DP-SGD on, as at the sites).
        double DistanceAfterRound(double proximalWeight)
        {
            manual_seed(5);
            using var model = new ConditionalGan(new GanArchitecture(GeneratorWidth: 16, DiscriminatorWidth: 8));
            using var data = new TrainingImages(FashionMnist.LoadTrain().Subset(Enumerable.Range(0, 400).ToArray()));
            var start = ModelTensors.Export(model);
            var trainer = new LocalGanTrainer(model, data, new GanTrainingSettings(ExpectedBatchSize: 32, ProximalWeight: proximalWeight),
                new DpSgdSettings(1.0, 1.0), seed: 9);
            trainer.AnchorProximalTerm();
            trainer.Train(40);
            return ModelUpdate.Between(ModelTensors.Export(model), start).L2Norm();
        }

        var free = DistanceAfterRound(0);
        var pulled = DistanceAfterRound(50);

        Assert.True(pulled < 0.8 * free, $"with the term the weights moved {pulled}, without it {free}");
    }

    [Fact]
    public void A_negative_proximal_weight_is_refused() =>
        Assert.Throws<ArgumentException>(() => new GanTrainingSettings(ProximalWeight: -0.1).Validate());
}

using FedGan.Learning.Simulation;
using FedGan.Tensors;

namespace FedGan.Learning.Tests.Simulation;

public class WeightAverageTests
{
    [Fact]
    public void Moving_average_starts_at_the_first_weights_and_decays_geometrically()
    {
        // Decay 0.5: [0, 0] -> 0.5 [0, 0] + 0.5 [2, 4] = [1, 2] -> 0.5 [1, 2] + 0.5 [4, 0] = [2.5, 1].
        var average = new WeightAverage(0.5);
        average.Add([new NamedTensor("w", [2], [0f, 0f])]);
        average.Add([new NamedTensor("w", [2], [2f, 4f])]);
        average.Add([new NamedTensor("w", [2], [4f, 0f])]);
        Assert.Equal(new[] { 2.5f, 1f }, average.Current.Single().Values);
    }

    [Fact]
    public void Averaging_does_not_alias_the_weights_it_was_given()
    {
        var first = new NamedTensor("w", [1], [1f]);
        var average = new WeightAverage(0.9);
        average.Add([first]);
        first.Values[0] = 100f;
        Assert.Equal(1f, average.Current.Single().Values[0]);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Decay_must_lie_strictly_between_zero_and_one(double decay) =>
        Assert.Throws<ArgumentException>(() => new WeightAverage(decay));
}

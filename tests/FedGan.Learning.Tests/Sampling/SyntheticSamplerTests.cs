using FedGan.Learning.Models;
using FedGan.Learning.Sampling;

namespace FedGan.Learning.Tests.Sampling;

public sealed class SyntheticSamplerTests
{
    [Fact]
    public void The_same_seed_draws_the_same_images_class_by_class_in_the_order_asked()
    {
        using var generator = new ConditionalGenerator(GanArchitecture.Default);

        var first = SyntheticSampler.Draw(generator, [7, 2], perClass: 3, seed: 11, batchSize: 4).ToList();
        var again = SyntheticSampler.Draw(generator, [7, 2], perClass: 3, seed: 11, batchSize: 4).ToList();
        var other = SyntheticSampler.Draw(generator, [7, 2], perClass: 3, seed: 12, batchSize: 4).ToList();

        Assert.Equal([4, 2], first.Select(b => b.Labels.Length));
        Assert.Equal([7, 7, 7, 2, 2, 2], first.SelectMany(b => b.Labels));
        Assert.Equal(6 * 28 * 28, first.Sum(b => b.GreyLevels.Length));
        Assert.Equal(first.SelectMany(b => b.GreyLevels), again.SelectMany(b => b.GreyLevels));
        Assert.NotEqual(first.SelectMany(b => b.GreyLevels), other.SelectMany(b => b.GreyLevels));
    }

    [Theory]
    [InlineData(new[] { 10 }, 1)]
    [InlineData(new[] { -1 }, 1)]
    [InlineData(new[] { 0 }, 0)]
    public void Classes_outside_the_model_and_empty_draws_are_refused(int[] classes, int perClass)
    {
        using var generator = new ConditionalGenerator(GanArchitecture.Default);

        Assert.Throws<ArgumentException>(() => SyntheticSampler.Draw(generator, classes, perClass, seed: 1));
    }
}

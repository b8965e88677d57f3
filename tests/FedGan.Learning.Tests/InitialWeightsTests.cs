using FedGan.Learning.Models;

namespace FedGan.Learning.Tests;

/// <summary>
/// Module constructors draw from torch's process-wide generator, which the other test classes
/// use too (seeding it, drawing from it) while they run in parallel; <see cref="InitialWeights"/>
/// holds that generator only against its own callers. So these tests run alone.
/// </summary>
[CollectionDefinition(nameof(InitialWeightsTests), DisableParallelization = true)]
[Collection(nameof(InitialWeightsTests))]
public class InitialWeightsTests
{
    [Fact]
    public void The_same_architecture_and_seed_give_the_same_weights_and_another_seed_does_not()
    {
        var architecture = new GanArchitecture();

        var first = InitialWeights.Create(architecture, seed: 7);
        var again = InitialWeights.Create(architecture, seed: 7);
        var other = InitialWeights.Create(architecture, seed: 8);

        Assert.Equal(first.Select(t => t.Name), again.Select(t => t.Name));
        Assert.All(first.Zip(again), pair => Assert.Equal(pair.First.Values, pair.Second.Values));
        Assert.Contains(first.Zip(other), pair => !pair.First.Values.SequenceEqual(pair.Second.Values));
    }

    [Fact]
    public void Every_parameter_of_the_model_is_in_the_initial_weights()
    {
        using var model = new ConditionalGan(new GanArchitecture());

        var names = InitialWeights.Create(model.Architecture, seed: 1).Select(t => t.Name);

        Assert.Equal(model.state_dict().Keys.Order(), names.Order());
    }
}

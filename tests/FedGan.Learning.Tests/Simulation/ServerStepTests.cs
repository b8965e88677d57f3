using FedGan.Learning.Simulation;
using FedGan.Learning.Training;
using FedGan.Tensors;

namespace FedGan.Learning.Tests.Simulation;

public class ServerStepTests
{
    [Fact]
    public void Momentum_carries_the_velocity_across_rounds()
    {
        // beta 0.5, lr 2, the same average [1, -2] twice, by hand:
        // round 1: v = [1, -2], global [0, 0] + 2 v = [2, -4];
        // round 2: v = 0.5 [1, -2] + [1, -2] = [1.5, -3], global [2, -4] + 2 v = [5, -10].
        var server = new ServerStep(learningRate: 2, momentum: 0.5);
        var average = ModelUpdate.From([new NamedTensor("w", [2], [1f, -2f])]);

        var first = server.Apply([new NamedTensor("w", [2], [0f, 0f])], average);
        var second = server.Apply(first, average);

        Assert.Equal([2f, -4f], first[0].Values);
        Assert.Equal([5f, -10f], second[0].Values);
    }

    [Fact]
    public void Without_momentum_each_round_moves_by_the_learning_rate_times_its_own_average()
    {
        var server = new ServerStep(learningRate: 0.5);
        var global = server.Apply([new NamedTensor("w", [1], [4f])], ModelUpdate.From([new NamedTensor("w", [1], [2f])]));
        global = server.Apply(global, ModelUpdate.From([new NamedTensor("w", [1], [-6f])]));

        Assert.Equal([2f], global[0].Values);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(-1.0, 0.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(1.0, -0.1)]
    public void Settings_that_describe_no_server_step_are_refused(double learningRate, double momentum) =>
        Assert.Throws<ArgumentException>(() => new ServerStep(learningRate, momentum));

    [Fact]
    public void Server_momentum_is_refused_outside_federated_runs() =>
        Assert.Throws<ArgumentException>(() => new SimulationSettings { Mode = TrainingMode.Centralized, ServerMomentum = 0.5 }.Validate());

    [Fact]
    public void An_average_of_another_model_is_refused() =>
        Assert.Throws<ArgumentException>(() => new ServerStep().Apply([new NamedTensor("w", [1], [0f])],
            ModelUpdate.From([new NamedTensor("v", [1], [1f])])));
}

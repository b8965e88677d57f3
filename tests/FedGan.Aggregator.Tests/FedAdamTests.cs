using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;

namespace FedGan.Aggregator.Tests;

public class FedAdamTests(Stack stack)
{
    private readonly AggregatorClient _client = stack.AggregatorClient();
    private readonly RegistryClient _registry = stack.RegistryClient();

    [Fact]
    public async Task Two_rounds_of_FedAdam_match_a_hand_computation_of_Reddi_et_al_algorithm_2()
    {
        var settings = new AggregationSettings(Method: "fedadam", ServerLearningRate: 0.1, Beta1: 0.9, Beta2: 0.99, Epsilon: 0.01);
        var model = await TestModel.PublishAsync(stack, [new ModelTensor("w", [2])], new() { ["w"] = [0.5f, -1.0f] });

        await model.RegisterAsync(stack, 1, ["site-a", "site-b"], settings);
        await _client.UploadOkAsync(model.Study, 1, "site-a", model.UpdateFile(new() { ["w"] = [0.2f, -0.4f] }, 1));
        await _client.UploadOkAsync(model.Study, 1, "site-b", model.UpdateFile(new() { ["w"] = [0.6f, 0.0f] }, 3));
        await _client.AggregateOkAsync(model.Study, 1);

        // Round 1, from m = 0 and v = tau^2 = 1e-4:
        //   delta1 = 1/4 (0.2, -0.4) + 3/4 (0.6, 0) = (0.5, -0.1)
        //   m1 = 0.1 delta1 = (0.05, -0.01);  v1 = 0.99e-4 + 0.01 delta1^2 = (0.002599, 0.000199)
        //   x1 = x0 + 0.1 m1 / (sqrt(v1) + 0.01) = (0.5 + 0.005 / 0.0609804, -1 - 0.001 / 0.0241067)
        //      = (0.5819936, -1.0414822)
        var x1 = (await _registry.WeightsAsync(model.Study, 1)).Content["w"].Values;
        Assert.Equal(0.5819936, x1[0], 1e-6);
        Assert.Equal(-1.0414822, x1[1], 1e-6);

        await model.RegisterAsync(stack, 2, ["site-c"], settings);
        await _client.UploadOkAsync(model.Study, 2, "site-c", model.UpdateFile(new() { ["w"] = [-0.3f, 0.2f] }, 2));
        await _client.AggregateOkAsync(model.Study, 2);

        // Round 2, from the stored moments:
        //   delta2 = (-0.3, 0.2);  m2 = 0.9 m1 + 0.1 delta2 = (0.015, 0.011)
        //   v2 = 0.99 v1 + 0.01 delta2^2 = (0.00347301, 0.00059701)
        //   x2 = x1 + 0.1 m2 / (sqrt(v2) + 0.01) = (0.5819936 + 0.0015 / 0.0689322, -1.0414822 + 0.0011 / 0.0344338)
        //      = (0.6037541, -1.0095368)
        var x2 = (await _registry.WeightsAsync(model.Study, 2)).Content["w"].Values;
        Assert.Equal(0.6037541, x2[0], 1e-6);
        Assert.Equal(-1.0095368, x2[1], 1e-6);
        var manifest = await _registry.VersionAsync(model.Study, 2);
        Assert.Equal(1, manifest.ParentVersion);
        Assert.Equal("fedadam_lr0.1_b0.9_0.99_tau0.01", manifest.Aggregation);
    }
}

using System.Net;
using System.Security.Cryptography;
using FedGan.Contracts;
using FedGan.Contracts.Studies;
using FedGan.Tensors;

namespace FedGan.Aggregator.Tests;

public class AggregationTests(Stack stack)
{
    private readonly AggregatorClient _client = stack.AggregatorClient();
    private readonly RegistryClient _registry = stack.RegistryClient();

    [Fact]
    public async Task The_published_version_is_the_base_plus_the_sample_weighted_mean_times_the_server_learning_rate()
    {
        var model = await TestModel.PublishAsync(stack);
        await model.RegisterAsync(stack, 1, ["site-a", "site-b", "site-c"], new AggregationSettings(ServerLearningRate: 0.5));
        var updates = new[] { (Site: "site-c", Samples: 300L, Salt: 3), (Site: "site-a", Samples: 100L, Salt: 1), (Site: "site-b", Samples: 600L, Salt: 2) };
        var receipts = new Dictionary<string, string>();
        foreach (var (site, samples, salt) in updates)
            receipts[site] = (await _client.UploadOkAsync(model.Study, 1, site, model.UpdateFile(model.Update(salt), samples))).Sha256;

        var result = await _client.AggregateOkAsync(model.Study, 1, new Dictionary<string, double> { ["site-a"] = 1.5, ["site-b"] = 0.5, ["site-c"] = 2 });

        // An independent recomputation: plain loops over the float arrays, in double.
        var (bytes, published) = await _registry.WeightsAsync(model.Study, 1);
        foreach (var tensor in model.Tensors)
        {
            var expected = new double[TestModel.Count(tensor)];
            for (var i = 0; i < expected.Length; i++)
            {
                double sum = 0;
                foreach (var (_, samples, salt) in updates)
                    sum += samples / 1000.0 * model.Update(salt)[tensor.Name][i];
                expected[i] = model.BaseWeights[tensor.Name][i] + 0.5 * sum;
            }
            var actual = published[tensor.Name].Values;
            Assert.Equal(tensor.Shape, published[tensor.Name].Shape);
            for (var i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected[i])), $"{tensor.Name}[{i}]: {actual[i]} vs {expected[i]}");
        }

        Assert.Equal(1, result.Version);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.WeightsSha256);
        Assert.Equal(["site-a", "site-b", "site-c"], result.Contributions.Select(c => c.SiteId));
        Assert.Equal([0.1, 0.6, 0.3], result.Contributions.Select(c => c.Weight));
        Assert.Equal([100L, 600L, 300L], result.Contributions.Select(c => c.NumSamples));
        Assert.Equal(result.Contributions.Select(c => receipts[c.SiteId]), result.Contributions.Select(c => c.UpdateSha256));

        var manifest = await _registry.VersionAsync(model.Study, 1);
        Assert.Equal(0, manifest.ParentVersion);
        Assert.Equal(1, manifest.Round);
        Assert.Equal(result.WeightsSha256, manifest.WeightsSha256);
        Assert.Equal(result.Contributions, manifest.Contributions);
        Assert.Equal("fedavg_lr0.5", manifest.Aggregation);
        Assert.Equal(2, manifest.EpsilonBySite!["site-c"]);
    }

    [Fact]
    public async Task Updates_in_half_precision_are_averaged_with_their_decoded_values()
    {
        var model = await TestModel.PublishAsync(stack);
        await model.RegisterAsync(stack, 1, ["site-a", "site-b"]);
        // Multiples of 1/128 below 1 are exact in F16 and BF16, so the expected values need no rounding model.
        var a = model.Update(1, scale: 1f / 128);
        var b = model.Update(2, scale: 1f / 128);
        await _client.UploadOkAsync(model.Study, 1, "site-a", model.UpdateFile(a, 1, TensorDType.F16));
        await _client.UploadOkAsync(model.Study, 1, "site-b", model.UpdateFile(b, 3, TensorDType.BF16));

        await _client.AggregateOkAsync(model.Study, 1);

        var (_, published) = await _registry.WeightsAsync(model.Study, 1);
        foreach (var tensor in model.Tensors)
        {
            for (var i = 0; i < TestModel.Count(tensor); i++)
            {
                var expected = model.BaseWeights[tensor.Name][i] + 0.25 * a[tensor.Name][i] + 0.75 * b[tensor.Name][i];
                Assert.Equal(expected, published[tensor.Name].Values[i], 1e-6);
            }
        }
    }

    [Fact]
    public async Task Aggregating_again_returns_the_same_version_and_bytes()
    {
        var model = await TestModel.PublishAsync(stack);
        await model.RegisterAsync(stack, 1, ["site-a", "site-b"], new AggregationSettings(ServerNoiseMultiplier: 0.8));
        await _client.UploadOkAsync(model.Study, 1, "site-a", model.UpdateFile(model.Update(1), 10));
        await _client.UploadOkAsync(model.Study, 1, "site-b", model.UpdateFile(model.Update(2), 30));

        var first = await _client.AggregateOkAsync(model.Study, 1);
        var second = await _client.AggregateOkAsync(model.Study, 1);

        Assert.Equal(first.WeightsSha256, second.WeightsSha256);
        Assert.Equal(first.Contributions, second.Contributions);
        Assert.Equal([first.WeightsSha256], stack.Faults.UploadedWeights(model.Study));
    }

    [Fact]
    public async Task A_run_killed_before_publishing_is_recomputed_to_the_same_bytes_noise_included()
    {
        var model = await TestModel.PublishAsync(stack);
        await model.RegisterAsync(stack, 1, ["site-a", "site-b"], new AggregationSettings(ServerNoiseMultiplier: 1.2));
        await _client.UploadOkAsync(model.Study, 1, "site-a", model.UpdateFile(model.Update(1), 10));
        await _client.UploadOkAsync(model.Study, 1, "site-b", model.UpdateFile(model.Update(2), 30));

        stack.Faults.FailNextPublish(model.Study);
        var crashed = await _client.AggregateAsync(model.Study, 1);
        Assert.Equal(HttpStatusCode.InternalServerError, crashed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await _registry.VersionStatusAsync(model.Study, 1));

        var result = await _client.AggregateOkAsync(model.Study, 1);

        var uploads = stack.Faults.UploadedWeights(model.Study);
        Assert.Equal(2, uploads.Count);
        Assert.Equal(uploads[0], uploads[1]);
        Assert.Equal(uploads[0], result.WeightsSha256);
        Assert.Equal(result.WeightsSha256, (await _registry.VersionAsync(model.Study, 1)).WeightsSha256);
    }

    [Fact]
    public async Task Server_noise_has_the_standard_deviation_of_one_sites_influence_on_the_mean()
    {
        // 400 parameters of zero update: what is published minus the base is the noise alone.
        var tensors = new[] { new FedGan.Contracts.Models.ModelTensor("w", [20, 20]) };
        var zeros = new Dictionary<string, float[]> { ["w"] = new float[400] };
        var model = await TestModel.PublishAsync(stack, tensors, zeros);
        await model.RegisterAsync(stack, 1, ["site-a", "site-b"], new AggregationSettings(ServerNoiseMultiplier: 2.0), clipNorm: 0.5);
        await _client.UploadOkAsync(model.Study, 1, "site-a", model.UpdateFile(zeros, 1));
        await _client.UploadOkAsync(model.Study, 1, "site-b", model.UpdateFile(zeros, 3));

        await _client.AggregateOkAsync(model.Study, 1);

        // sigma = z * C * max_i w_i = 2.0 * 0.5 * 0.75 = 0.75.
        var noise = (await _registry.WeightsAsync(model.Study, 1)).Content["w"].Values;
        var std = Math.Sqrt(noise.Sum(v => (double)v * v) / noise.Length);
        Assert.InRange(std, 0.75 * 0.85, 0.75 * 1.15);
        Assert.Equal("fedavg_lr1_z2_c0.5", (await _registry.VersionAsync(model.Study, 1)).Aggregation);
    }

    [Fact]
    public async Task A_round_without_any_accepted_update_is_refused_and_publishes_nothing()
    {
        var model = await TestModel.PublishAsync(stack);
        await model.RegisterAsync(stack, 1, ["site-a"]);

        var response = await _client.AggregateAsync(model.Study, 1);

        await AggregatorClient.ExpectProblemAsync(response, HttpStatusCode.Conflict, ErrorCodes.RoundHasNoUpdates);
        Assert.Equal(HttpStatusCode.NotFound, await _registry.VersionStatusAsync(model.Study, 1));
    }

    [Fact]
    public async Task Aggregating_an_unregistered_round_is_not_found()
    {
        var response = await _client.AggregateAsync(TestModel.NewStudy(), 4);

        await AggregatorClient.ExpectProblemAsync(response, HttpStatusCode.NotFound, ErrorCodes.RoundNotFound);
    }
}

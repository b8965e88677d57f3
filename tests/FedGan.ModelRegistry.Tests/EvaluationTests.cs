using System.Net;
using System.Net.Http.Json;
using FedGan.Contracts;
using FedGan.Contracts.Models;

namespace FedGan.ModelRegistry.Tests;

/// <summary>Evaluations kept with the version they scored, as `fedgan models evaluate` records them.</summary>
public class EvaluationTests(RegistryStack stack)
{
    private readonly RegistryClient _coordinator = stack.Service.Coordinator();

    [Fact]
    public async Task Evaluations_are_kept_per_version_in_order_and_readable_by_auditors()
    {
        var (study, v1) = await PublishTwoVersionsAsync();

        var first = Evaluation(study, v1, tstr: 0.61);
        var second = Evaluation(study, v1, tstr: 0.64) with { EvaluatedAt = first.EvaluatedAt.AddMinutes(5) };
        foreach (var evaluation in new[] { first, second })
        {
            var recorded = await _coordinator.Http.PostAsJsonAsync($"/studies/{study}/versions/1/evaluations", evaluation, ContractJson.Options);
            await RegistryClient.ExpectAsync(recorded, HttpStatusCode.Created);
        }

        var listed = (await stack.Service.Auditor().Http.GetFromJsonAsync<ModelEvaluation[]>($"/studies/{study}/evaluations", ContractJson.Options))!;
        Assert.Equal([0.61, 0.64], listed.Select(e => e.TstrAccuracy));
        Assert.All(listed, e => Assert.Equal((1, v1.WeightsSha256), (e.Version, e.WeightsSha256)));
        Assert.Equal(first.PerClassRecall, listed[0].PerClassRecall);
        Assert.Equal(first.Test, listed[0].Test);
    }

    [Fact]
    public async Task An_evaluation_of_other_weights_or_with_impossible_scores_is_refused_and_nothing_is_kept()
    {
        var (study, v1) = await PublishTwoVersionsAsync();
        var good = Evaluation(study, v1, tstr: 0.6);

        await Refused(good with { WeightsSha256 = new string('c', 64) }, HttpStatusCode.Conflict, ErrorCodes.EvaluationMismatch);
        await Refused(good with { TstrAccuracy = 1.2 }, HttpStatusCode.BadRequest, ErrorCodes.EvaluationInvalid);
        await Refused(good with { PerClassRecall = [0.5, 0.5] }, HttpStatusCode.BadRequest, ErrorCodes.EvaluationInvalid);
        await Refused(good with { FrechetDistance = -1 }, HttpStatusCode.BadRequest, ErrorCodes.EvaluationInvalid);
        await Refused(good with { Version = 0 }, HttpStatusCode.BadRequest, ErrorCodes.EvaluationInvalid);
        var unknown = await _coordinator.Http.PostAsJsonAsync($"/studies/{study}/versions/7/evaluations", good with { Version = 7 }, ContractJson.Options);
        await RegistryClient.ExpectProblemAsync(unknown, HttpStatusCode.NotFound, ErrorCodes.VersionNotFound);
        var auditor = await stack.Service.Auditor().Http.PostAsJsonAsync($"/studies/{study}/versions/1/evaluations", good, ContractJson.Options);
        Assert.Equal(HttpStatusCode.Forbidden, auditor.StatusCode);

        var listed = await _coordinator.Http.GetFromJsonAsync<ModelEvaluation[]>($"/studies/{study}/evaluations", ContractJson.Options);
        Assert.Empty(listed!);

        async Task Refused(ModelEvaluation evaluation, HttpStatusCode status, string code) =>
            await RegistryClient.ExpectProblemAsync(
                await _coordinator.Http.PostAsJsonAsync($"/studies/{study}/versions/1/evaluations", evaluation, ContractJson.Options), status, code);
    }

    private async Task<(string Study, ModelVersionManifest V1)> PublishTwoVersionsAsync()
    {
        var study = RegistryClient.NewStudy();
        var aggregator = stack.Service.Aggregator();
        await _coordinator.PublishOkAsync(study, 0, TestModels.Initial(await _coordinator.UploadOkAsync(study, TestModels.Weights(0.5f))));
        var v1 = await aggregator.PublishOkAsync(study, 1, TestModels.Aggregate(await aggregator.UploadOkAsync(study, TestModels.Weights(1.5f)), 1));
        return (study, v1);
    }

    /// <summary>The test model declares the default architecture's 10 classes.</summary>
    private static ModelEvaluation Evaluation(string study, ModelVersionManifest version, double tstr) =>
        new(study, version.Version, version.WeightsSha256, tstr, [.. Enumerable.Range(0, 10).Select(c => c / 10.0)], 80.5, 3.2, 0.89,
            SyntheticImages: 10_000, FrechetSamples: 10_000, TstrEpochs: 5, Seed: 7,
            Test: new EvaluationDataSet("fashion-mnist", 5_000, new string('d', 64)),
            Reference: new EvaluationDataSet("fashion-mnist", 5_000, new string('e', 64)),
            Software: "fedgan test", EvaluatedAt: new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
}

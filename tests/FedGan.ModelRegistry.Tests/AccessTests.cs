using System.Net;
using System.Net.Http.Json;
using FedGan.Contracts;
using FedGan.Contracts.Models;

namespace FedGan.ModelRegistry.Tests;

/// <summary>
/// Who may do what in the registry: the real service's token check and role policies, and its
/// enrollment rule for sites, asked of the real scheduler.
/// </summary>
public class AccessTests(RegistryStack stack)
{
    private readonly RegistryClient _coordinator = stack.Service.Coordinator();

    /// <summary>A new study with version 0 published, enrolling <paramref name="sites"/> in the scheduler.</summary>
    private async Task<(string Study, byte[] Weights, string Sha)> StudyAsync(params string[] sites)
    {
        var study = RegistryClient.NewStudy();
        await stack.EnrollAsync(study, sites);
        var weights = TestModels.Weights(0.75f);
        var sha = await _coordinator.UploadOkAsync(study, weights);
        await _coordinator.PublishOkAsync(study, 0, TestModels.Initial(sha));
        return (study, weights, sha);
    }

    [Fact]
    public async Task Without_a_token_reads_and_writes_are_401_with_a_bearer_challenge()
    {
        var (study, weights, sha) = await StudyAsync("hospital-1");
        var anonymous = stack.Service.Anonymous();

        HttpResponseMessage[] responses =
        [
            await anonymous.Http.GetAsync($"/studies/{study}/versions"),
            await anonymous.Http.GetAsync($"/studies/{study}/versions/0/weights"),
            await anonymous.UploadAsync(study, weights),
            await anonymous.PublishAsync(study, 1, TestModels.Aggregate(sha, 1)),
        ];

        foreach (var response in responses)
        {
            await RegistryClient.ExpectProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _coordinator.Http.GetAsync($"/studies/{study}/versions/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.Http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task A_site_can_neither_upload_weights_nor_publish_a_version_even_of_its_own_study()
    {
        var (study, _, sha) = await StudyAsync("hospital-1");
        var site = stack.Service.Site("hospital-1");

        var upload = await site.UploadAsync(study, TestModels.Weights(9.5f));
        var publish = await site.PublishAsync(study, 1, TestModels.Aggregate(sha, 1));

        Assert.Contains("role may not", await RegistryClient.ExpectProblemAsync(upload, HttpStatusCode.Forbidden, "forbidden"));
        await RegistryClient.ExpectProblemAsync(publish, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.NotFound, (await _coordinator.Http.GetAsync($"/studies/{study}/versions/1")).StatusCode);
    }

    [Fact]
    public async Task A_site_reads_the_studies_it_is_enrolled_in_and_to_it_every_other_study_does_not_exist()
    {
        var (enrolled, weights, sha) = await StudyAsync("hospital-1", "hospital-2");
        var (other, _, _) = await StudyAsync("hospital-3");
        var site = stack.Service.Site("hospital-1");

        var download = await site.Http.GetAsync($"/studies/{enrolled}/versions/0/weights");
        await RegistryClient.ExpectAsync(download, HttpStatusCode.OK);
        Assert.Equal(weights, await download.Content.ReadAsByteArrayAsync());
        var latest = await site.Http.GetFromJsonAsync<ModelVersionManifest>($"/studies/{enrolled}/versions/latest", ContractJson.Options);
        Assert.Equal(sha, latest!.WeightsSha256);

        // The other study exists (its own site and the coordinator see it), but not for this site:
        // the same answer as for a study no one created.
        string[] paths = ["versions", "versions/latest", "versions/0", "versions/0/weights"];
        foreach (var path in paths)
        {
            await RegistryClient.ExpectProblemAsync(await site.Http.GetAsync($"/studies/{other}/{path}"), HttpStatusCode.NotFound, ErrorCodes.VersionNotFound);
            await RegistryClient.ExpectProblemAsync(await site.Http.GetAsync($"/studies/{RegistryClient.NewStudy()}/{path}"),
                HttpStatusCode.NotFound, ErrorCodes.VersionNotFound);
        }

        await RegistryClient.ExpectAsync(await stack.Service.Site("hospital-3").Http.GetAsync($"/studies/{other}/versions/0/weights"), HttpStatusCode.OK);
        await RegistryClient.ExpectAsync(await _coordinator.Http.GetAsync($"/studies/{other}/versions/0/weights"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_auditor_reads_lineage_and_weights_but_cannot_upload_or_publish()
    {
        var (study, weights, sha) = await StudyAsync("hospital-1");
        var auditor = stack.Service.Auditor();

        await RegistryClient.ExpectProblemAsync(await auditor.UploadAsync(study, TestModels.Weights(3.5f)), HttpStatusCode.Forbidden, "forbidden");
        await RegistryClient.ExpectProblemAsync(await auditor.PublishAsync(study, 1, TestModels.Aggregate(sha, 1)), HttpStatusCode.Forbidden, "forbidden");
        await RegistryClient.ExpectProblemAsync(await auditor.PublishAsync(study, 0, TestModels.Initial(sha)), HttpStatusCode.Forbidden, "forbidden");

        var lineage = await auditor.Http.GetFromJsonAsync<ModelVersionManifest[]>($"/studies/{study}/versions", ContractJson.Options);
        Assert.Equal([0], lineage!.Select(v => v.Version));
        Assert.Equal(weights, await auditor.Http.GetByteArrayAsync($"/studies/{study}/versions/0/weights"));
    }
}

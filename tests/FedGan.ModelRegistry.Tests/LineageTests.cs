using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using FedGan.Contracts;
using FedGan.Contracts.Models;

namespace FedGan.ModelRegistry.Tests;

/// <summary>
/// Versions as they are made: coordinators upload and publish version 0, the aggregator the versions
/// its rounds produce; coordinators read the lineage.
/// </summary>
public class LineageTests(RegistryStack stack)
{
    private readonly RegistryClient _registry = stack.Service.Coordinator();
    private readonly RegistryClient _aggregator = stack.Service.Aggregator();

    [Fact]
    public async Task Initial_model_and_an_aggregate_round_trip_with_their_lineage_and_hashes()
    {
        var study = RegistryClient.NewStudy();
        var initialBytes = TestModels.Weights(0.5f);
        var roundOneBytes = TestModels.Weights(1.5f);

        var upload = await _registry.UploadAsync(study, initialBytes);
        await RegistryClient.ExpectAsync(upload, HttpStatusCode.OK);
        var uploaded = await RegistryClient.BodyAsync(upload);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(initialBytes)), (string)uploaded["sha256"]!);
        Assert.Equal(initialBytes.Length, (long)uploaded["size_bytes"]!);
        Assert.Equal(3, (int)uploaded["tensors"]!);
        Assert.Equal(TestModels.Parameters, (long)uploaded["parameters"]!);

        var v0 = await _registry.PublishOkAsync(study, 0, TestModels.Initial((string)uploaded["sha256"]!));
        var v1Sha = await _aggregator.UploadOkAsync(study, roundOneBytes);
        var v1 = await _aggregator.PublishOkAsync(study, 1, TestModels.Aggregate(v1Sha, 1));

        Assert.Null(v0.ParentVersion);
        Assert.Null(v0.Round);
        Assert.Equal(0, v1.ParentVersion);
        Assert.Equal(1, v1.Round);
        Assert.Equal(roundOneBytes.Length, v1.WeightsSizeBytes);
        Assert.Equal(["hospital-a", "hospital-b"], v1.Contributions.Select(c => c.SiteId));
        Assert.Equal(0.75, v1.EpsilonBySite!["hospital-b"]);
        // Later versions carry version 0's model: the study's architecture, tensors and seed.
        Assert.Equal(7, v1.Model.Seed);
        Assert.Equal(TestModels.Tensors.Select(t => t.Name), v1.Model.Tensors.Select(t => t.Name));

        var all = (await _registry.Http.GetFromJsonAsync<ModelVersionManifest[]>($"/studies/{study}/versions", ContractJson.Options))!;
        Assert.Equal([0, 1], all.Select(m => m.Version));
        var latest = await _registry.Http.GetFromJsonAsync<ModelVersionManifest>($"/studies/{study}/versions/latest", ContractJson.Options);
        Assert.Equal(1, latest!.Version);

        foreach (var (version, bytes) in new[] { (0, initialBytes), (1, roundOneBytes) })
        {
            var download = await _registry.Http.GetAsync($"/studies/{study}/versions/{version}/weights");
            await RegistryClient.ExpectAsync(download, HttpStatusCode.OK);
            var body = await download.Content.ReadAsByteArrayAsync();
            var sha = Convert.ToHexStringLower(SHA256.HashData(body));
            var manifest = all[version];
            Assert.Equal(bytes, body);
            Assert.Equal(manifest.WeightsSha256, sha);
            Assert.Equal($"\"{sha}\"", download.Headers.ETag!.ToString());
            Assert.Equal(sha, download.Headers.GetValues("X-Content-SHA256").Single());
            Assert.Equal(bytes.Length, download.Content.Headers.ContentLength);
            Assert.Equal("bytes", download.Headers.AcceptRanges.Single());
        }
    }

    [Fact]
    public async Task A_version_is_written_once_an_identical_publication_is_accepted_a_different_one_conflicts()
    {
        var study = RegistryClient.NewStudy();
        var sha = await _registry.UploadOkAsync(study, TestModels.Weights(0.5f));
        var other = await _aggregator.UploadOkAsync(study, TestModels.Weights(2.5f));
        var first = await _registry.PublishOkAsync(study, 0, TestModels.Initial(sha));

        var again = await _registry.PublishAsync(study, 0, TestModels.Initial(sha));
        await RegistryClient.ExpectAsync(again, HttpStatusCode.OK);
        var repeated = (await again.Content.ReadFromJsonAsync<ModelVersionManifest>(ContractJson.Options))!;
        Assert.Equal(first.CreatedAt, repeated.CreatedAt);

        await RegistryClient.ExpectProblemAsync(await _registry.PublishAsync(study, 0, TestModels.Initial(other)),
            HttpStatusCode.Conflict, "version_conflict");
        await RegistryClient.ExpectProblemAsync(await _registry.PublishAsync(study, 0, TestModels.Initial(sha, seed: 8)),
            HttpStatusCode.Conflict, "version_conflict");

        // The same lineage with its maps in another order is the same publication.
        await _aggregator.PublishOkAsync(study, 1, TestModels.Aggregate(other, 1,
            metrics: new Dictionary<string, double> { ["fid"] = 40, ["tstr_accuracy"] = 0.7 }));
        var reordered = await _aggregator.PublishAsync(study, 1, TestModels.Aggregate(other, 1,
            metrics: new Dictionary<string, double> { ["tstr_accuracy"] = 0.7, ["fid"] = 40 }));
        await RegistryClient.ExpectAsync(reordered, HttpStatusCode.OK);
        await RegistryClient.ExpectProblemAsync(await _aggregator.PublishAsync(study, 1, TestModels.Aggregate(other, 1,
            metrics: new Dictionary<string, double> { ["fid"] = 40.0001, ["tstr_accuracy"] = 0.7 })), HttpStatusCode.Conflict, "version_conflict");

        var stored = await _registry.Http.GetFromJsonAsync<ModelVersionManifest>($"/studies/{study}/versions/0", ContractJson.Options);
        Assert.Equal(sha, stored!.WeightsSha256);
    }

    [Fact]
    public async Task Of_concurrent_different_publications_of_one_version_exactly_one_wins()
    {
        var study = RegistryClient.NewStudy();
        await _registry.PublishOkAsync(study, 0, TestModels.Initial(await _registry.UploadOkAsync(study, TestModels.Weights(0.5f))));
        var sha = await _aggregator.UploadOkAsync(study, TestModels.Weights(1.5f));
        await using var secondReplica = stack.NewReplica();
        RegistryClient[] replicas = [_aggregator, secondReplica.Aggregator()];

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(k => replicas[k % 2].PublishAsync(study, 1,
            TestModels.Aggregate(sha, 1, metrics: new Dictionary<string, double> { ["fid"] = k }))));

        foreach (var odd in responses.Where(r => r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict)))
        {
            Assert.Fail($"{odd.StatusCode}: {await odd.Content.ReadAsStringAsync()}");
        }

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var won = (await winner.Content.ReadFromJsonAsync<ModelVersionManifest>(ContractJson.Options))!;
        var stored = await _registry.Http.GetFromJsonAsync<ModelVersionManifest>($"/studies/{study}/versions/1", ContractJson.Options);
        Assert.Equal(won.Metrics!["fid"], stored!.Metrics!["fid"]);
        Assert.Equal(won.CreatedAt, stored.CreatedAt);
    }

    [Fact]
    public async Task Concurrent_identical_publications_create_the_version_once()
    {
        var study = RegistryClient.NewStudy();
        var sha = await _registry.UploadOkAsync(study, TestModels.Weights(0.5f));

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _registry.PublishAsync(study, 0, TestModels.Initial(sha))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
    }

    [Fact]
    public async Task A_version_needs_its_parent_published_and_a_later_round()
    {
        var study = RegistryClient.NewStudy();
        var sha = await _registry.UploadOkAsync(study, TestModels.Weights(0.5f));

        var orphan = await RegistryClient.ExpectProblemAsync(await _aggregator.PublishAsync(study, 1, TestModels.Aggregate(sha, 1)),
            (HttpStatusCode)422, "parent_version_not_found");
        Assert.Contains("Parent version 0", orphan);

        await _registry.PublishOkAsync(study, 0, TestModels.Initial(sha));
        await RegistryClient.ExpectProblemAsync(await _aggregator.PublishAsync(study, 2, TestModels.Aggregate(sha, 2)),
            (HttpStatusCode)422, "parent_version_not_found");
        var skipping = await RegistryClient.ExpectProblemAsync(
            await _aggregator.PublishAsync(study, 2, TestModels.Aggregate(sha, 1) with { ParentVersion = 0 }),
            HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("parent_version 1", skipping);

        await _aggregator.PublishOkAsync(study, 1, TestModels.Aggregate(sha, 1, round: 3));
        var stale = await RegistryClient.ExpectProblemAsync(await _aggregator.PublishAsync(study, 2, TestModels.Aggregate(sha, 2, round: 3)),
            (HttpStatusCode)422, "lineage_invalid");
        Assert.Contains("round 3", stale);
    }

    [Fact]
    public async Task Weights_must_be_uploaded_and_have_the_model_layout()
    {
        var study = RegistryClient.NewStudy();
        await RegistryClient.ExpectProblemAsync(await _registry.PublishAsync(study, 0, TestModels.Initial(new string('0', 64))),
            HttpStatusCode.NotFound, "weights_not_found");

        // Version 0: the file must hold exactly the tensors its model lists.
        var reshaped = TestModels.Tensors.Select(t => t.Name == "generator.fc.weight" ? t with { Shape = [2, 4] } : t).ToArray();
        var reshapedSha = await _registry.UploadOkAsync(study, TestModels.Weights(0.5f, reshaped));
        var detail = await RegistryClient.ExpectProblemAsync(await _registry.PublishAsync(study, 0, TestModels.Initial(reshapedSha)),
            (HttpStatusCode)422, "weights_mismatch");
        Assert.Contains("'generator.fc.weight' has shape [2, 4], expected [4, 2]", detail);

        // Later versions: version 0's tensors, no more.
        await _registry.PublishOkAsync(study, 0, TestModels.Initial(await _registry.UploadOkAsync(study, TestModels.Weights(0.5f))));
        var extraSha = await _aggregator.UploadOkAsync(study, TestModels.Weights(1.5f, [.. TestModels.Tensors, new("generator.out.bias", [1])]));
        detail = await RegistryClient.ExpectProblemAsync(await _aggregator.PublishAsync(study, 1, TestModels.Aggregate(extraSha, 1)),
            (HttpStatusCode)422, "weights_mismatch");
        Assert.Contains("'generator.out.bias' is not part of the model", detail);
        var missingSha = await _aggregator.UploadOkAsync(study, TestModels.Weights(1.5f, TestModels.Tensors[..2]));
        detail = await RegistryClient.ExpectProblemAsync(await _aggregator.PublishAsync(study, 1, TestModels.Aggregate(missingSha, 1)),
            (HttpStatusCode)422, "weights_mismatch");
        Assert.Contains("'generator.fc.weight' is missing", detail);
    }

    [Fact]
    public async Task Unknown_versions_and_bad_ids_are_refused_with_their_codes()
    {
        var study = RegistryClient.NewStudy();
        await RegistryClient.ExpectProblemAsync(await _registry.Http.GetAsync($"/studies/{study}/versions/3"), HttpStatusCode.NotFound, "version_not_found");
        await RegistryClient.ExpectProblemAsync(await _registry.Http.GetAsync($"/studies/{study}/versions/3/weights"), HttpStatusCode.NotFound, "version_not_found");
        await RegistryClient.ExpectProblemAsync(await _registry.Http.GetAsync($"/studies/{study}/versions/latest"), HttpStatusCode.NotFound, "version_not_found");
        Assert.Empty((await _registry.Http.GetFromJsonAsync<ModelVersionManifest[]>($"/studies/{study}/versions", ContractJson.Options))!);

        await RegistryClient.ExpectProblemAsync(await _registry.Http.GetAsync("/studies/Study_A/versions/0"), HttpStatusCode.BadRequest, "invalid_study_id");
        await RegistryClient.ExpectProblemAsync(await _registry.Http.GetAsync($"/studies/{study}/versions/-1"), HttpStatusCode.BadRequest, "invalid_version");
        await RegistryClient.ExpectProblemAsync(await _registry.PublishAsync(study, 0, TestModels.Initial("ABC")), HttpStatusCode.BadRequest, "invalid_request");
        var noModel = await RegistryClient.ExpectProblemAsync(await _registry.PublishAsync(study, 0, TestModels.Initial(new string('0', 64)) with { Model = null }),
            HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("version 0 needs model", noModel);
    }
}

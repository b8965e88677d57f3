using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FedGan.Tensors;

namespace FedGan.EndToEnd.Tests.Rounds;

/// <summary>
/// Whole federated rounds on the real stack: the coordinator's CLI creates a study, the simulated
/// hospitals' edge trainers train on their own Fashion-MNIST shares and upload through the gateway,
/// and the scheduler, accountant, aggregator and registry take it from there.
/// </summary>
[Collection(FederatedCollection.Name)]
public class FederatedRoundsTests(FederatedStackFixture fixture)
{
    private static readonly string[] Hospitals = ["hospital-1", "hospital-2", "hospital-3"];

    private readonly Coordinator _coordinator = new(fixture);

    private string NewStudyId() => fixture.NewApprovedStudyId();

    [Fact]
    public async Task Three_sites_complete_two_rounds_and_each_version_is_the_sample_weighted_average_of_the_accepted_updates()
    {
        var study = NewStudyId();
        await _coordinator.CreateStudyAsync(study, string.Join(',', Hospitals), "--quorum", "3",
            "--d-steps-per-g-step", "2", "--d-learning-rate", "6e-4", "--g-learning-rate", "3e-4");

        var finished = await _coordinator.WaitForStudyToEndAsync(study);

        Assert.Equal("completed", (string)finished["status"]!);
        // The coordinator's training options reach the study every site's tasks are built from.
        var training = finished["definition"]!["training"]!;
        Assert.Equal(2, (int)training["discriminator_steps_per_generator_step"]!);
        Assert.Equal(6e-4, (double)training["discriminator_learning_rate"]!);
        Assert.Equal(3e-4, (double)training["generator_learning_rate"]!);
        Assert.Equal(2, (int)finished["latest_version"]!);
        var rounds = await _coordinator.ListAsync($"/scheduler/studies/{study}/rounds");
        Assert.Equal(["completed", "completed"], rounds.Select(r => (string)r!["state"]!));
        Assert.All(rounds, r => Assert.Equal(Hospitals, r!["contributing_sites"]!.AsArray().Select(s => (string)s!)));

        var versions = await _coordinator.ListAsync($"/registry/studies/{study}/versions");
        Assert.Equal([0, 1, 2], versions.Select(v => (int)v!["version"]!));
        for (var version = 1; version <= 2; version++)
        {
            var manifest = versions[version]!.AsObject();
            Assert.Equal(version - 1, (int)manifest["parent_version"]!);
            Assert.Equal(version, (int)manifest["round"]!);
            await AssertWeightedAverageAsync(study, version, manifest);
        }

        // The ledger holds exactly what the sites did: two committed rounds each, at the study's settings.
        var spending = await _coordinator.GetAsync($"/privacy/studies/{study}/spending");
        var lastRound = rounds[1]!["epsilon_by_site"]!.AsObject();
        foreach (var site in spending["sites"]!.AsArray())
        {
            Assert.Equal(2, (int)site!["rounds_committed"]!);
            Assert.Equal(0, (int)site["rounds_reserved"]!);
            Assert.Equal((double)lastRound[(string)site["site_id"]!]!, (double)site["epsilon_spent"]!, 9);
        }

        var ledger = await _coordinator.ListAsync($"/privacy/studies/{study}/ledger");
        Assert.Equal(6, ledger.Count);
        Assert.All(ledger, entry =>
        {
            Assert.Equal("committed", (string)entry!["status"]!);
            Assert.Equal(2.0, (double)entry["mechanism"]!["noise_multiplier"]!);
            Assert.Equal(0.004, (double)entry["mechanism"]!["sampling_rate"]!);
            Assert.Equal(4, (long)entry["mechanism"]!["steps"]!);
        });

        AssertOneTracePerSiteRound(study);
    }

    /// <summary>
    /// Recomputes version v from version v-1 and the updates the hospitals kept on their own disks
    /// (checked by hash against the lineage): base + sum_i n_i / sum(n) * update_i, in double.
    /// </summary>
    private async Task AssertWeightedAverageAsync(string study, int version, JsonObject manifest)
    {
        var published = Safetensors.Deserialize(await DownloadAsync(study, version));
        var baseWeights = Safetensors.Deserialize(await DownloadAsync(study, version - 1));
        var contributions = manifest["contributions"]!.AsArray();
        var updates = new List<(double Weight, SafetensorsContent Update)>();
        var totalSamples = contributions.Sum(c => (long)c!["num_samples"]!);
        foreach (var contribution in contributions)
        {
            var site = (string)contribution!["site_id"]!;
            var bytes = await File.ReadAllBytesAsync(Path.Combine(_coordinator.Workspace(site, study, version), "update.safetensors"));
            Assert.Equal((string)contribution["update_sha256"]!, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            var update = Safetensors.Deserialize(bytes);
            Assert.Equal((long)contribution["num_samples"]!, long.Parse(update.Metadata!["num_samples"], System.Globalization.CultureInfo.InvariantCulture));
            var weight = (double)(long)contribution["num_samples"]! / totalSamples;
            Assert.Equal(weight, (double)contribution["weight"]!, 9);
            updates.Add((weight, update));
        }

        foreach (var tensor in published.Tensors)
        {
            var start = baseWeights[tensor.Name].Values;
            for (var i = 0; i < tensor.Values.Length; i++)
            {
                var expected = (double)start[i];
                foreach (var (weight, update) in updates)
                {
                    expected += weight * update[tensor.Name].Values[i];
                }

                Assert.True(Math.Abs(expected - tensor.Values[i]) <= 1e-6 + 1e-6 * Math.Abs(expected),
                    $"v{version} {tensor.Name}[{i}] = {tensor.Values[i]}, recomputed {expected}");
            }
        }
    }

    private void AssertOneTracePerSiteRound(string study)
    {
        var spans = fixture.Stack.Traces.Spans;
        foreach (var site in Hospitals)
        {
            var rounds = spans.Where(s => s.Name == "edge.round" && s.ServiceName == site
                && s.Attributes?.GetValueOrDefault("fedgan.study") == study).ToList();
            Assert.Equal(2, rounds.Select(s => s.TraceId).Distinct().Count());
            foreach (var round in rounds)
            {
                var services = spans.Where(s => s.TraceId == round.TraceId).Select(s => s.ServiceName).ToHashSet();
                Assert.Superset(new HashSet<string> { site, "gateway", "roundscheduler", "privacyaccountant", "modelregistry", "aggregator" }, services);
            }
        }
    }

    [Fact]
    public async Task Bad_updates_are_refused_with_their_codes_and_the_round_completes_with_the_others()
    {
        var study = NewStudyId();
        var rogue = "e2e-rogue-" + Guid.NewGuid().ToString("N")[..6];
        var outsider = "e2e-outsider-" + Guid.NewGuid().ToString("N")[..6];
        var rogueToken = await fixture.Platform.EnrolledTokenAsync(rogue, "site");
        var outsiderToken = await fixture.Platform.EnrolledTokenAsync(outsider, "site");
        await _coordinator.CreateStudyAsync(study, $"hospital-1,hospital-2,{rogue}", "--quorum", "2", "--rounds", "1",
            "--grace-seconds", "20", "--update-clip-norm", "20");
        await _coordinator.WaitForRoundAsync(study, 1, r => (string?)r["state"] == "open", TimeSpan.FromMinutes(2));
        var layout = UpdateFiles.Layout(await _coordinator.GetAsync($"/registry/studies/{study}/versions/0"));

        var notFinite = UpdateFiles.Build(layout, (name, i) => name == layout[0].Name && i == 0 ? float.NaN : 0f, rogue, 1);
        var missingTensor = UpdateFiles.Build(layout.Skip(1), (_, _) => 0f, rogue, 1);
        var tooLarge = UpdateFiles.Build(layout, (_, _) => 1f, rogue, 1);
        var valid = UpdateFiles.Build(layout, (_, _) => 0f, outsider, 1);

        await AssertRefusedAsync(rogueToken, study, rogue, notFinite, HttpStatusCode.UnprocessableEntity, "update_not_finite");
        await AssertRefusedAsync(rogueToken, study, rogue, missingTensor, HttpStatusCode.UnprocessableEntity, "update_shape_mismatch");
        await AssertRefusedAsync(rogueToken, study, rogue, tooLarge, HttpStatusCode.UnprocessableEntity, "update_norm_exceeded");
        await AssertRefusedAsync(outsiderToken, study, outsider, valid, HttpStatusCode.Forbidden, "site_not_admitted");

        var finished = await _coordinator.WaitForStudyToEndAsync(study);
        Assert.Equal("completed", (string)finished["status"]!);
        var round = await _coordinator.GetAsync($"/scheduler/studies/{study}/rounds/1");
        Assert.Equal(["hospital-1", "hospital-2"], round["contributing_sites"]!.AsArray().Select(s => (string)s!));

        // Late: the round is over, even a well-formed update is refused.
        var late = UpdateFiles.Build(layout, (_, _) => 0f, rogue, 1);
        await AssertRefusedAsync(rogueToken, study, rogue, late, HttpStatusCode.Conflict, "round_closed");

        // The rogue site was admitted, contributed nothing, and got its reservation back.
        var spending = await _coordinator.GetAsync($"/privacy/studies/{study}/sites/{rogue}/spending");
        Assert.Equal(0, (int)spending["rounds_committed"]!);
        Assert.Equal(0, (int)spending["rounds_reserved"]!);
        Assert.Equal(0.0, (double)spending["epsilon_spent"]!);
    }

    /// <summary>Waits for <paramref name="path"/> to exist; fails after <paramref name="timeout"/>.</summary>
    private static async Task WaitForFileAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(path))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{path} did not appear within {timeout.TotalSeconds} s.");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    private async Task AssertRefusedAsync(string token, string study, string site, byte[] update, HttpStatusCode status, string code)
    {
        using var gateway = fixture.Platform.Gateway(token);
        using var content = new ByteArrayContent(update);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await gateway.PutAsync($"/aggregator/studies/{study}/rounds/1/updates/{site}", content, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"expected {status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(code, (string)JsonNode.Parse(body)!["code"]!);
    }

    [Fact]
    public async Task A_site_past_its_budget_is_not_admitted_and_a_site_past_its_own_local_budget_refuses_to_train()
    {
        // Noise 0.5 on 4 steps at q = 0.004 costs epsilon 4.02 for one round and 4.23 for two
        // (`fedgan privacy epsilon`): one round fits under 4.1, a second does not. Hospital 3's own
        // budget is 1.0, so it refuses the first round at its site although the platform admitted it.
        var study = NewStudyId();
        // A long grace keeps round 1 open after hospitals 1 and 2 have uploaded, so that hospital 3
        // reaches it (and refuses) even when its trainer is still busy with an earlier test's study.
        await _coordinator.CreateStudyAsync(study, string.Join(',', Hospitals), "--quorum", "2", "--noise-multiplier", "0.5",
            "--epsilon-budget", "4.1", "--grace-seconds", "60");

        var finished = await _coordinator.WaitForStudyToEndAsync(study);

        Assert.Equal("budget_exhausted", (string)finished["status"]!);
        var rounds = await _coordinator.ListAsync($"/scheduler/studies/{study}/rounds");
        Assert.Equal("completed", (string)rounds[0]!["state"]!);
        Assert.Equal(Hospitals, rounds[0]!["admitted_sites"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(["hospital-1", "hospital-2"], rounds[0]!["contributing_sites"]!.AsArray().Select(s => (string)s!));
        Assert.Equal("failed", (string)rounds[1]!["state"]!);
        Assert.Equal("privacy_budget_exhausted", (string)rounds[1]!["failure_reason"]!);
        Assert.Equal(["hospital-1", "hospital-2"], rounds[1]!["refused_sites"]!.AsArray().Select(s => (string)s!));

        var workspace = _coordinator.Workspace("hospital-3", study, 1);
        var refusal = Path.Combine(workspace, "refused.txt");
        await WaitForFileAsync(refusal, TimeSpan.FromSeconds(30));
        Assert.Contains("local budget", await File.ReadAllTextAsync(refusal, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(Path.Combine(workspace, "update.safetensors")));
        var hospital3 = await _coordinator.GetAsync($"/privacy/studies/{study}/sites/hospital-3/spending");
        Assert.Equal(0, (int)hospital3["rounds_committed"]!);
    }

    [Fact]
    public async Task A_site_that_has_not_approved_the_study_declines_it_before_any_download_and_the_round_shows_why()
    {
        // Hospital 1 approved this study; hospital 2 did not. A grace far longer than the round takes
        // shows that the round does not wait for a site that declined.
        var study = fixture.StudyOnlyHospital1Approved;
        const int graceSeconds = 120;
        await _coordinator.CreateStudyAsync(study, "hospital-1,hospital-2", "--quorum", "1", "--rounds", "1",
            "--grace-seconds", graceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var finished = await _coordinator.WaitForStudyToEndAsync(study);

        Assert.Equal("completed", (string)finished["status"]!);
        var round = await _coordinator.GetAsync($"/scheduler/studies/{study}/rounds/1");
        Assert.Equal(["hospital-1", "hospital-2"], round["admitted_sites"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(["hospital-1"], round["contributing_sites"]!.AsArray().Select(s => (string)s!));
        var declined = round["declined_sites"]!.AsObject();
        Assert.Equal(["hospital-2"], declined.Select(d => d.Key));
        Assert.Equal("not_approved", (string)declined["hospital-2"]!["reason"]!);
        Assert.Contains(study, (string)declined["hospital-2"]!["detail"]!);
        var open = DateTimeOffset.Parse((string)round["opened_at"]!, System.Globalization.CultureInfo.InvariantCulture);
        var closed = DateTimeOffset.Parse((string)round["closed_at"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(closed - open < TimeSpan.FromSeconds(graceSeconds), $"the round waited {closed - open} for a site that had declined");

        // Refused before anything was fetched or trained: hospital 2 has no workspace for the study at all.
        Assert.False(Directory.Exists(Path.Combine(fixture.Stack.DataDirectory, "hospital-2", "tasks", study)));
        // Its reservation was released: nothing charged, nothing held.
        var spending = await _coordinator.GetAsync($"/privacy/studies/{study}/sites/hospital-2/spending");
        Assert.Equal(0, (int)spending["rounds_committed"]!);
        Assert.Equal(0, (int)spending["rounds_reserved"]!);
        Assert.Equal(0.0, (double)spending["epsilon_spent"]!);
    }

    private async Task<byte[]> DownloadAsync(string study, int version)
    {
        using var gateway = fixture.Platform.Gateway(await fixture.Platform.CoordinatorTokenAsync());
        return await gateway.GetByteArrayAsync($"/registry/studies/{study}/versions/{version}/weights", TestContext.Current.CancellationToken);
    }
}

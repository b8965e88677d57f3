using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FedGan.Deployment.Tests.Containers;
using FedGan.Deployment.Tests.Manifests;

namespace FedGan.Deployment.Tests;

/// <summary>
/// Proof that the manifests run: build/images.sh builds the images, kubectl kustomize renders
/// k8s/base and k8s/edge-trainer, every Deployment/StatefulSet container starts from its image with
/// exactly what its manifest declares (one replica each), and two edge trainers configured only
/// through the edge manifest's keys finish a federated round with the platform.
/// </summary>
public sealed class ManifestRunTests(ITestOutputHelper output)
{
    private const string Coordinator = "coordinator";
    private static readonly string[] Sites = ["site-north", "site-south"];
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromMinutes(6);

    /// <summary>The study's per-site epsilon budget, which each hospital approves as its MaxEpsilon.</summary>
    private const double StudyEpsilon = 8;

    /// <summary>Real images for the edge trainers' data volume: Fashion-MNIST (IDX files) from Debian.</summary>
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    [Fact]
    public async Task Every_manifest_container_starts_and_two_edge_trainers_finish_a_round()
    {
        var clock = Stopwatch.StartNew();
        var images = await BuiltImages.BuildAsync();
        output.WriteLine($"images ready after {clock.Elapsed.TotalSeconds:F0} s:\n{images.Summary}");

        var platform = await RenderedKustomization.RenderAsync("k8s/base");
        var edge = await RenderedKustomization.RenderAsync("k8s/edge-trainer");
        await using var cluster = await PodmanCluster.CreateAsync(images);
        await using var stack = await PlatformStack.StartAsync(cluster, platform);
        output.WriteLine($"{cluster.Started.Count} platform containers ready after {clock.Elapsed.TotalSeconds:F0} s");

        using var gateway = new HttpClient { BaseAddress = stack.GatewayAddress, Timeout = TimeSpan.FromSeconds(30) };
        var coordinatorSecret = cluster.Secret("fedgan-credentials", Coordinator);
        // Tokens live 5 minutes: the coordinator gets a fresh one before each group of calls.
        async Task Authorize() => gateway.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Bearer", await TokenAsync(gateway, Coordinator, coordinatorSecret));
        await Authorize();

        var cli = new Dictionary<string, string>
        {
            ["FEDGAN_GATEWAY"] = stack.GatewayAddress.ToString(),
            ["FEDGAN_CLIENT_ID"] = Coordinator,
            ["FEDGAN_CLIENT_SECRET"] = coordinatorSecret,
        };
        var siteSecrets = new Dictionary<string, string>();
        foreach (var site in Sites)
        {
            var enrolled = await Fedgan(cli, "sites", "enroll", "--name", site);
            siteSecrets[site] = (string)JsonNode.Parse(enrolled)!["client_secret"]!;
        }

        var study = "deploy-" + Guid.NewGuid().ToString("N")[..8];
        await Fedgan(cli, "studies", "create", "--study", study, "--sites", string.Join(',', Sites), "--rounds", "1",
            "--local-steps", "2", "--sampling-rate", "0.002", "--noise-multiplier", "2.0", "--epsilon-budget", StudyEpsilon.ToString(CultureInfo.InvariantCulture),
            "--grace-seconds", "1", "--deadline-seconds", "600");

        var summary = (await gateway.GetFromJsonAsync<JsonObject>($"/scheduler/studies/{study}"))!;
        var architecture = (string?)summary["architecture_sha256"]
            ?? throw new InvalidOperationException($"the study shows no architecture_sha256: {summary}");

        var trainer = Assert.Single(edge.Workloads);
        cluster.AddConfigMaps(edge);
        var (claims, configMap, config) = EdgeTestValues(cluster, trainer, study, architecture, StudyEpsilon);
        cluster.SetConfigMap(configMap, config);
        var edgeContainers = new List<StartedContainer>();
        foreach (var site in Sites)
        {
            cluster.SetSecret("fedgan-site", "site-id", site);
            cluster.SetSecret("fedgan-site", "client-secret", siteSecrets[site]);
            edgeContainers.AddRange(await cluster.StartAsync(trainer, [], instance: site, claims: claims));
        }

        await cluster.WaitUntilReadyAsync(edgeContainers, PlatformStack.ReadyTimeout);
        output.WriteLine($"edge trainers ready after {clock.Elapsed.TotalSeconds:F0} s");

        var round = await WaitForRoundAsync(gateway, Authorize, study, cluster, edgeContainers);
        output.WriteLine($"round 1 {round["state"]} after {clock.Elapsed.TotalSeconds:F0} s");
        await Authorize();

        Assert.Equal(Sites.Order(), round["contributing_sites"]!.AsArray().Select(s => (string)s!).Order());
        var versions = (await gateway.GetFromJsonAsync<JsonArray>($"/registry/studies/{study}/versions"))!;
        Assert.Contains(versions, v => (int)v!["version"]! == 1 && (int)v["round"]! == 1);
        var spending = (await gateway.GetFromJsonAsync<JsonObject>($"/privacy/studies/{study}/spending"))!;
        var charged = spending["sites"]!.AsArray().ToDictionary(s => (string)s!["site_id"]!, s => s!);
        foreach (var site in Sites)
        {
            Assert.Equal(1, (int)charged[site]["rounds_committed"]!);
            Assert.True((double)charged[site]["epsilon_spent"]! > 0, $"{site} was not charged: {charged[site]}");
        }
    }

    /// <summary>
    /// Test values for the keys the edge manifest declares, in its config file (the ConfigMap it
    /// mounts): the gateway (the platform's, on the test network), the data source (real
    /// Fashion-MNIST IDX files on the claim mounted at Data:Path) and the approval of the test's
    /// study. Site id and client secret come from its Secret. A key the file lacks fails the test.
    /// </summary>
    private static (Dictionary<string, string> Claims, string ConfigMap, Dictionary<string, string> Data) EdgeTestValues(
        PodmanCluster cluster, Workload trainer, string study, string architectureSha256, double maxEpsilon)
    {
        var container = trainer.Containers.Single(c => !c.Init);
        var configVolume = container.VolumeMounts.Select(m => trainer.Volumes[m.Volume]).SingleOrDefault(v => v.Kind == VolumeKind.ConfigMap)
            ?? throw new ManifestException("k8s/edge-trainer mounts no ConfigMap with the trainer's config file");
        var data = cluster.ConfigMap(configVolume.Source).ToDictionary();
        var (file, json) = data.Select(d => (d.Key, Node: TryParseJson(d.Value))).SingleOrDefault(d => d.Node?["EdgeTrainer"] is JsonObject);
        var edge = json?["EdgeTrainer"] as JsonObject
            ?? throw new ManifestException($"ConfigMap {configVolume.Source} holds no JSON config file with an EdgeTrainer section");

        JsonObject Declared(JsonObject section, string key, string path) => section.ContainsKey(key)
            ? section
            : throw new ManifestException($"the edge config file {file} declares no {path}");
        Declared(edge, "Gateway", "EdgeTrainer:Gateway")["Gateway"] = "http://gateway:8080";
        var dataSection = Declared(edge, "Data", "EdgeTrainer:Data")["Data"]!.AsObject();
        Declared(dataSection, "Source", "EdgeTrainer:Data:Source")["Source"] = "idx";
        var dataPath = (string?)Declared(dataSection, "Path", "EdgeTrainer:Data:Path")["Path"];
        Declared(edge, "ApprovedStudies", "EdgeTrainer:ApprovedStudies")["ApprovedStudies"] = new JsonObject
        {
            [study] = new JsonObject { ["ArchitectureSha256"] = architectureSha256, ["MaxEpsilon"] = maxEpsilon },
        };
        data[file] = json!.ToJsonString();

        var dataMount = container.VolumeMounts.SingleOrDefault(m => m.MountPath == dataPath)
            ?? throw new ManifestException($"k8s/edge-trainer mounts no volume at its EdgeTrainer:Data:Path {dataPath}");
        var claims = new Dictionary<string, string> { [trainer.Volumes[dataMount.Volume].Source] = FashionMnist };
        return (claims, configVolume.Source, data);
    }

    private static JsonNode? TryParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static async Task<string> TokenAsync(HttpClient gateway, string clientId, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/identity/connect/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        using var response = await gateway.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token for {clientId} through the gateway: {(int)response.StatusCode} {body}");
        return (string)JsonNode.Parse(body)!["access_token"]!;
    }

    private static async Task<string> Fedgan(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var run = await FedGan.Testing.FedganCli.RunAsync(typeof(ManifestRunTests).Assembly, environment, arguments);
        Assert.True(run.ExitCode == 0, $"fedgan {string.Join(' ', arguments.Take(2))} exited {run.ExitCode}: {run.Stderr}");
        return run.Stdout;
    }

    /// <summary>Polls round 1 until it completes; fails on a failed round or the deadline, with the edge trainers' logs.</summary>
    private static async Task<JsonObject> WaitForRoundAsync(HttpClient gateway, Func<Task> authorize, string study,
        PodmanCluster cluster, IReadOnlyList<StartedContainer> edges)
    {
        var deadline = DateTime.UtcNow + RoundTimeout;
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var edge in edges)
            {
                var state = await Podman.CheckedAsync("inspect", "--format", "{{.State.Status}}", edge.Name);
                if (state != "running")
                {
                    Assert.Fail($"edge trainer {edge.Name} stopped ({state}); its log ends:\n{await cluster.LogTailAsync(edge.Name)}");
                }
            }

            await authorize();
            using var response = await gateway.GetAsync($"/scheduler/studies/{study}/rounds/1");
            if (response.IsSuccessStatusCode)
            {
                last = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                var state = (string?)last["state"];
                if (state == "completed")
                {
                    return last;
                }

                if (state is "failed" or "aborted")
                {
                    break;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var logs = new StringBuilder();
        foreach (var edge in edges)
        {
            logs.AppendLine($"--- {edge.Name}:").AppendLine(await cluster.LogTailAsync(edge.Name, 25));
        }

        Assert.Fail($"round 1 of {study} did not complete within {RoundTimeout}; last seen: {last}\n{logs}");
        return last!;
    }
}

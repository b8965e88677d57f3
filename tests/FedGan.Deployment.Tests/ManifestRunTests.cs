using System.Diagnostics;
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

    /// <summary>Real images for the edge trainers' data volume: Fashion-MNIST (IDX files) from Debian.</summary>
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    [Fact]
    public async Task Every_manifest_container_starts_and_two_edge_trainers_finish_a_round()
    {
        var clock = Stopwatch.StartNew();
        var images = await BuiltImages.BuildAsync();
        output.WriteLine($"images ready after {clock.Elapsed.TotalSeconds:F0} s:\n{images.Summary}");

        var platform = await RenderedManifests.RenderAsync("k8s/base");
        var edge = await RenderedManifests.RenderAsync("k8s/edge-trainer");
        await using var cluster = await PodmanCluster.CreateAsync(images);
        await using var stack = await PlatformStack.StartAsync(cluster, platform);
        output.WriteLine($"{cluster.Started.Count} platform containers ready after {clock.Elapsed.TotalSeconds:F0} s");

        using var gateway = new HttpClient { BaseAddress = stack.GatewayAddress, Timeout = TimeSpan.FromSeconds(30) };
        var coordinatorSecret = cluster.Secret("fedgan-credentials", Coordinator);
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(gateway, Coordinator, coordinatorSecret));

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
            "--local-steps", "2", "--sampling-rate", "0.002", "--noise-multiplier", "2.0", "--epsilon-budget", "10",
            "--grace-seconds", "1", "--deadline-seconds", "600");

        var trainer = Assert.Single(edge.Workloads);
        cluster.AddConfigMaps(edge);
        var edgeContainers = new List<StartedContainer>();
        foreach (var site in Sites)
        {
            cluster.SetSecret("fedgan-site", "site-id", site);
            cluster.SetSecret("fedgan-site", "client-secret", siteSecrets[site]);
            var (values, claims) = EdgeTestValues(trainer);
            edgeContainers.AddRange(await cluster.StartAsync(trainer, [], instance: site, claims: claims, values: values));
        }

        await cluster.WaitUntilReadyAsync(edgeContainers, PlatformStack.ReadyTimeout);
        output.WriteLine($"edge trainers ready after {clock.Elapsed.TotalSeconds:F0} s");

        var round = await WaitForRoundAsync(gateway, study, cluster, edgeContainers);
        output.WriteLine($"round 1 {round["state"]} after {clock.Elapsed.TotalSeconds:F0} s");

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
    /// Test values for the keys the edge manifest declares: the gateway URL (the platform's gateway
    /// on the test network), the data source and folder (real Fashion-MNIST IDX files on the claim
    /// the manifest mounts for images). Site id and secret come from its Secret.
    /// </summary>
    private static (Dictionary<string, string> Values, Dictionary<string, string> Claims) EdgeTestValues(Workload trainer)
    {
        var container = trainer.Containers.Single(c => !c.Init);
        var gatewayKey = container.Env.SingleOrDefault(e => e.Name.Contains("gateway", StringComparison.OrdinalIgnoreCase)
            && Uri.TryCreate(e.Value, UriKind.Absolute, out _))
            ?? throw new ManifestException("k8s/edge-trainer declares no gateway URL key (an env var naming the gateway, with a URL)");
        var dataPath = container.Env.SingleOrDefault(e => e.Name.EndsWith("__Data__Path", StringComparison.Ordinal))
            ?? throw new ManifestException("k8s/edge-trainer declares no EdgeTrainer__Data__Path");
        var dataMount = container.VolumeMounts.SingleOrDefault(m => m.MountPath == dataPath.Value)
            ?? throw new ManifestException($"k8s/edge-trainer mounts no volume at its data path {dataPath.Value}");
        var claim = trainer.Volumes[dataMount.Volume];

        var values = new Dictionary<string, string>
        {
            [gatewayKey.Name] = "http://gateway:8080",
            [container.Env.Single(e => e.Name.EndsWith("__Data__Source", StringComparison.Ordinal)).Name] = "idx",
        };
        var claims = new Dictionary<string, string> { [claim.Source] = FashionMnist };
        return (values, claims);
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
    private static async Task<JsonObject> WaitForRoundAsync(HttpClient gateway, string study, PodmanCluster cluster, IReadOnlyList<StartedContainer> edges)
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

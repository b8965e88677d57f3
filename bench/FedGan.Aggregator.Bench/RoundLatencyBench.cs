using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FedGan.Contracts;
using FedGan.Contracts.Models;
using FedGan.Contracts.Studies;
using FedGan.Contracts.Updates;
using FedGan.Tensors;
using FedGan.Testing;

namespace FedGan.Aggregator.Bench;

/// <summary>
/// Time from the last accepted upload of a round to its version being published, for 8 sites x
/// 1M float32 parameters: the scheduler calls the aggregation as soon as the round closes, so this
/// is the aggregation call (close, read 8 staged updates and the base, publish) as a client sees it.
/// Run: dotnet run -c Release --project bench/FedGan.Aggregator.Bench [parameters]
/// </summary>
internal static class RoundLatencyBench
{
    public static async Task Main(string[] args)
    {
        const int Sites = 8;
        const int Rounds = 5;
        const double TargetSeconds = 1.0;
        var parameters = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;

        // Outside a test project the factories cannot find the services' folders; their settings are in the output folder.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_FEDGAN_MODELREGISTRY", AppContext.BaseDirectory);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_FEDGAN_AGGREGATOR", AppContext.BaseDirectory);
        await using var redis = await RedisServer.StartAsync();
        await using var azurite = await AzuriteServer.StartAsync();
        // Tokens of Identity's exact shape from a key of the bench's own; the services check them unchanged.
        var tokens = new TestTokens();
        await using var registryHost = new RegistryHost(redis.ConnectionString, azurite.ConnectionString, tokens);
        await using var aggregatorHost = new AggregatorHost(redis.ConnectionString, azurite.ConnectionString, tokens, registryHost);
        var registry = registryHost.CreateClient();
        registry.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Coordinator());
        var aggregator = aggregatorHost.CreateClient();
        // The scheduler's service token registers rounds and asks for the aggregation; each upload carries its site's token.
        aggregator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Service("roundscheduler"));
        aggregator.Timeout = TimeSpan.FromMinutes(5);

        var study = $"bench-{Guid.NewGuid():N}"[..24];
        ModelTensor[] tensors = [new("encoder.weight", [parameters / 2 / 1000, 1000]), new("encoder.bias", [1000]),
            new("decoder.weight", [parameters - parameters / 2 / 1000 * 1000 - 1024]), new("decoder.bias", [24])];
        var random = new Random(11);
        byte[] File(float scale, IReadOnlyDictionary<string, string>? metadata) => Safetensors.Serialize(
            tensors.Select(t => new NamedTensor(t.Name, t.Shape, Enumerable.Range(0, TensorEntry.ElementCountOf(t.Shape))
                .Select(_ => (2 * random.NextSingle() - 1) * scale).ToArray())), metadata);

        var initial = await Expect(await registry.PostAsync($"/studies/{study}/weights", Octets(File(0.05f, null))), HttpStatusCode.OK);
        var initialSha = JsonDocument.Parse(initial).RootElement.GetProperty("sha256").GetString()!;
        await Expect(await registry.PutAsJsonAsync($"/studies/{study}/versions/0",
            new PublishVersionRequest(initialSha, null, null, new ModelDescription(new ModelArchitecture(), tensors, 1), null, null, null, null),
            ContractJson.Options), HttpStatusCode.Created);

        var siteIds = Enumerable.Range(0, Sites).Select(i => $"site-{i}").ToList();
        var runs = new List<RoundTiming>();
        for (var round = 1; round <= Rounds; round++)
        {
            await Expect(await aggregator.PutAsJsonAsync($"/studies/{study}/rounds/{round}",
                new RoundRegistration(round - 1, siteIds, DateTimeOffset.UtcNow.AddHours(1), 1e6, new AggregationSettings()), ContractJson.Options),
                HttpStatusCode.Created);
            var files = siteIds.Select((_, i) => File(1e-3f, new Dictionary<string, string> { [UpdateMetadata.NumSamples] = $"{100 + i}" })).ToList();
            var uploadClock = Stopwatch.StartNew();
            for (var i = 0; i < Sites; i++)
            {
                using var upload = new HttpRequestMessage(HttpMethod.Put, $"/studies/{study}/rounds/{round}/updates/{siteIds[i]}") { Content = Octets(files[i]) };
                upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Site(siteIds[i]));
                await Expect(await aggregator.SendAsync(upload), HttpStatusCode.Created);
            }
            var uploadSeconds = uploadClock.Elapsed.TotalSeconds;

            // The last upload was accepted: from here to the published version.
            var clock = Stopwatch.StartNew();
            var result = await Expect(await aggregator.PostAsJsonAsync($"/studies/{study}/rounds/{round}/aggregation",
                new AggregationRequest(null), ContractJson.Options), HttpStatusCode.OK);
            var publishSeconds = clock.Elapsed.TotalSeconds;
            var manifest = await Expect(await registry.GetAsync($"/studies/{study}/versions/{round}"), HttpStatusCode.OK);
            runs.Add(new RoundTiming(round, Math.Round(uploadSeconds, 3), Math.Round(publishSeconds, 3),
                JsonDocument.Parse(result).RootElement.GetProperty("weights_sha256").GetString()!,
                JsonDocument.Parse(manifest).RootElement.GetProperty("version").GetInt32() == round));
        }

        var latencies = runs.Select(r => r.LastUploadToPublishedSeconds).Order().ToList();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            sites = Sites,
            parameters = tensors.Sum(t => (long)TensorEntry.ElementCountOf(t.Shape)),
            setting = "real redis-server and Azurite processes; ModelRegistry and Aggregator hosted in-process (WebApplicationFactory, in-memory HTTP)",
            processors = Environment.ProcessorCount,
            load_average = System.IO.File.Exists("/proc/loadavg") ? System.IO.File.ReadAllText("/proc/loadavg").Trim() : null,
            target_seconds = TargetSeconds,
            rounds = runs,
            median_seconds = latencies[latencies.Count / 2],
            max_seconds = latencies[^1],
            meets_target = latencies[^1] < TargetSeconds,
        }, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
    }

    private static ByteArrayContent Octets(byte[] bytes) => new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } };

    private static async Task<string> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == status ? body : throw new InvalidOperationException($"expected {status}, got {response.StatusCode}: {body}");
    }
}

internal sealed record RoundTiming(int Round, double UploadSecondsForAllSites, double LastUploadToPublishedSeconds, string WeightsSha256, bool Published);

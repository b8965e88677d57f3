using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FedGan.EndToEnd.Tests.Access;

namespace FedGan.EndToEnd.Tests.Rounds;

/// <summary>A coordinator driving studies: the real `fedgan` CLI to create them, the gateway to watch them.</summary>
public sealed class Coordinator(FederatedStackFixture fixture)
{
    public static readonly TimeSpan StudyTimeout = TimeSpan.FromMinutes(8);

    private PlatformAccess Platform => fixture.Platform;

    public async Task<Dictionary<string, string>> CliEnvironmentAsync() => new()
    {
        ["FEDGAN_GATEWAY"] = Platform.GatewayAddress.ToString(),
        ["FEDGAN_CLIENT_ID"] = PlatformAccess.Coordinator,
        ["FEDGAN_CLIENT_SECRET"] = await Platform.SecretAsync("identity-coordinator-secret"),
    };

    /// <summary>`fedgan studies create` with small, fast rounds; <paramref name="overrides"/> (option, value, ...) replace defaults.</summary>
    public async Task CreateStudyAsync(string studyId, string sites, params string[] overrides)
    {
        var options = new Dictionary<string, string>
        {
            ["--study"] = studyId, ["--sites"] = sites, ["--rounds"] = "2", ["--local-steps"] = "4", ["--sampling-rate"] = "0.004",
            ["--noise-multiplier"] = "2.0", ["--epsilon-budget"] = "10", ["--grace-seconds"] = "3", ["--deadline-seconds"] = "300",
        };
        for (var i = 0; i + 1 < overrides.Length; i += 2)
        {
            options[overrides[i]] = overrides[i + 1];
        }

        string[] arguments = ["studies", "create", .. options.SelectMany(option => new[] { option.Key, option.Value })];
        var created = await FedganCli.RunAsync(await CliEnvironmentAsync(), arguments);
        Assert.True(created.ExitCode == 0, $"fedgan studies create: {created.Stderr}");
    }

    public async Task<JsonObject> GetAsync(string path)
    {
        using var gateway = Platform.Gateway(await Platform.CoordinatorTokenAsync());
        using var response = await gateway.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body) is JsonArray array ? new JsonObject { ["items"] = array } : JsonNode.Parse(body)!.AsObject();
    }

    public async Task<JsonArray> ListAsync(string path) => (await GetAsync(path))["items"]!.AsArray();

    /// <summary>Waits until the study is no longer active (completed or out of budget).</summary>
    public async Task<JsonObject> WaitForStudyToEndAsync(string studyId) =>
        await WaitForAsync($"/scheduler/studies/{studyId}", study => (string?)study["status"] != "active", StudyTimeout);

    public async Task<JsonObject> WaitForRoundAsync(string studyId, int round, Func<JsonObject, bool> condition, TimeSpan timeout) =>
        await WaitForAsync($"/scheduler/studies/{studyId}/rounds/{round}", condition, timeout);

    private async Task<JsonObject> WaitForAsync(string path, Func<JsonObject, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            using var gateway = Platform.Gateway(await Platform.CoordinatorTokenAsync());
            using var response = await gateway.GetAsync(path, TestContext.Current.CancellationToken);
            if (response.IsSuccessStatusCode)
            {
                last = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
                if (condition(last))
                {
                    return last;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        }

        Assert.Fail($"{path} did not reach the expected state within {timeout}; last seen: {last}");
        return last!;
    }

    /// <summary>Where a simulated hospital keeps a round's files (its own disk, in the stack's data folder).</summary>
    public string Workspace(string site, string studyId, int round) =>
        Path.Combine(fixture.Stack.DataDirectory, site, "tasks", studyId, $"round-{round:D5}");
}

using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FedGan.PrivacyAccountant.Tests;

/// <summary>The service's HTTP API as a test drives it, in its snake_case JSON.</summary>
public sealed class LedgerClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public Task<HttpResponseMessage> SetBudgetAsync(string study, double epsilonMax, double delta = 1e-5, string accountant = "rdp") =>
        http.PutAsJsonAsync($"/studies/{study}/budget", new { epsilon_max = epsilonMax, delta, accountant });

    public Task<HttpResponseMessage> SetSiteBudgetAsync(string study, string site, double epsilonMax) =>
        http.PutAsJsonAsync($"/studies/{study}/sites/{site}/budget", new { epsilon_max = epsilonMax });

    public Task<HttpResponseMessage> ReserveAsync(string study, int round, string site,
        double noise = 1.5, double rate = 0.04, long steps = 1125, double clip = 1.0, CancellationToken cancellationToken = default) =>
        http.PutAsJsonAsync($"/studies/{study}/rounds/{round}/sites/{site}/reservation",
            new { noise_multiplier = noise, sampling_rate = rate, steps, clipping_bound = clip }, cancellationToken);

    public Task<HttpResponseMessage> CommitAsync(string study, int round, string site, CancellationToken cancellationToken = default) =>
        http.PostAsync($"/studies/{study}/rounds/{round}/sites/{site}/reservation/commit", null, cancellationToken);

    public Task<HttpResponseMessage> ReleaseAsync(string study, int round, string site) =>
        http.PostAsync($"/studies/{study}/rounds/{round}/sites/{site}/reservation/release", null);

    public async Task<JsonObject> GetAsync(string path) =>
        (await http.GetFromJsonAsync<JsonObject>(path))!;

    public async Task<JsonArray> GetArrayAsync(string path) =>
        (await http.GetFromJsonAsync<JsonArray>(path))!;

    public static async Task<JsonObject> BodyAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FedGan.Contracts;
using FedGan.Contracts.Studies;

namespace FedGan.RoundScheduler.Clients;

/// <summary>The outcome of asking the accountant to admit a site to a round.</summary>
public sealed record Admission(bool Admitted, double EpsilonAfter, string? RefusalCode);

/// <summary>The PrivacyAccountant as the scheduler uses it: budgets and per-round reservations.</summary>
public sealed class PrivacyAccountantClient(HttpClient http)
{
    public async Task SetBudgetAsync(string studyId, PrivacySettings privacy, CancellationToken cancellationToken)
    {
        var response = await http.PutAsJsonAsync($"/studies/{studyId}/budget", new
        {
            epsilon_max = privacy.EpsilonBudget,
            delta = privacy.Delta,
            accountant = privacy.Accountant,
            privacy_unit = privacy.PrivacyUnit,
        }, cancellationToken);
        await UpstreamProblem.EnsureSuccessAsync(response, "privacy accountant", cancellationToken);
    }

    public async Task<Admission> ReserveAsync(string studyId, int round, string siteId, PrivacySettings privacy, long steps, CancellationToken cancellationToken)
    {
        var response = await http.PutAsJsonAsync($"/studies/{studyId}/rounds/{round}/sites/{siteId}/reservation", new
        {
            noise_multiplier = privacy.NoiseMultiplier,
            sampling_rate = privacy.SamplingRate,
            steps,
            clipping_bound = privacy.ClippingBound,
            privacy_unit = privacy.PrivacyUnit,
        }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            var code = (string?)problem?["code"];
            if (code == ErrorCodes.PrivacyBudgetExceeded)
            {
                return new Admission(false, (double?)problem?["epsilon_spent"] ?? double.NaN, code);
            }
        }

        await UpstreamProblem.EnsureSuccessAsync(response, "privacy accountant", cancellationToken);
        var reservation = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        return new Admission(true, (double)reservation!["epsilon_after"]!, null);
    }

    public Task CommitAsync(string studyId, int round, string siteId, CancellationToken cancellationToken) =>
        SettleAsync($"/studies/{studyId}/rounds/{round}/sites/{siteId}/reservation/commit", cancellationToken);

    public Task ReleaseAsync(string studyId, int round, string siteId, CancellationToken cancellationToken) =>
        SettleAsync($"/studies/{studyId}/rounds/{round}/sites/{siteId}/reservation/release", cancellationToken);

    private async Task SettleAsync(string path, CancellationToken cancellationToken)
    {
        var response = await http.PostAsync(path, content: null, cancellationToken);
        await UpstreamProblem.EnsureSuccessAsync(response, "privacy accountant", cancellationToken);
    }
}

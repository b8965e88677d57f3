using System.Net.Http.Json;
using FedGan.Contracts;
using FedGan.Contracts.Updates;

namespace FedGan.RoundScheduler.Clients;

/// <summary>The Aggregator as the scheduler drives it: register a round, watch uploads, aggregate.</summary>
public sealed class AggregatorClient(HttpClient http)
{
    public async Task RegisterRoundAsync(string studyId, int round, RoundRegistration registration, CancellationToken cancellationToken)
    {
        var response = await http.PutAsJsonAsync($"/studies/{studyId}/rounds/{round}", registration, ContractJson.Options, cancellationToken);
        await UpstreamProblem.EnsureSuccessAsync(response, "aggregator", cancellationToken);
    }

    public async Task<IReadOnlyList<UpdateReceipt>> GetReceiptsAsync(string studyId, int round, CancellationToken cancellationToken)
    {
        var response = await http.GetAsync($"/studies/{studyId}/rounds/{round}/updates", cancellationToken);
        await UpstreamProblem.EnsureSuccessAsync(response, "aggregator", cancellationToken);
        return await response.Content.ReadFromJsonAsync<List<UpdateReceipt>>(ContractJson.Options, cancellationToken) ?? [];
    }

    /// <returns>The published version, or null when the round had no update to aggregate.</returns>
    public async Task<AggregationResult?> AggregateAsync(string studyId, int round, AggregationRequest request, CancellationToken cancellationToken)
    {
        var response = await http.PostAsJsonAsync($"/studies/{studyId}/rounds/{round}/aggregation", request, ContractJson.Options, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(cancellationToken);
            if ((string?)problem?["code"] == ErrorCodes.RoundHasNoUpdates)
            {
                return null;
            }
        }

        await UpstreamProblem.EnsureSuccessAsync(response, "aggregator", cancellationToken);
        return await response.Content.ReadFromJsonAsync<AggregationResult>(ContractJson.Options, cancellationToken);
    }
}
